// The views, compiled by EJS without its `with (locals)` block: each view is compiled for the
// names its data has, each declared as a local variable (EJS's destructuredLocals), so that a view
// reads `t` or `user` as a plain variable. Inside `with`, every name a view uses (its own helpers
// included) is looked up at run time through the data object, which made the two templates of a
// page a tenth of its CPU. A view sees exactly the names it saw with `with`: the data's own, then
// the globals; so a view is compiled again for data with other names (a page has a few shapes, so
// each view has a few functions).
import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';

/**
 * Names a view cannot have as variables: JavaScript's reserved words, and the names EJS's compiled
 * function uses itself. A data field with such a name is still `locals.name` in the view, as it
 * always had to be.
 */
const NOT_VARIABLES = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum', 'export',
  'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return', 'super',
  'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield', 'let', 'static',
  'implements', 'interface', 'package', 'private', 'protected', 'public', 'await', 'arguments', 'eval', 'undefined',
  'locals', 'escapeFn', 'include', 'rethrow', '__append', '__output', '__locals', '__line', '__lines', '__filename',
]);
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Shapes of data compiled for, per view; beyond this a view takes its data through `with`. */
const MAX_SHAPES = 32;

interface View {
  source: string;
  filename: string;
  /** Compiled functions by the data's names, joined. */
  byNames: Map<string, ejs.TemplateFunction>;
  /** The view compiled as EJS compiles it by default, for data of any other shape. */
  withLocals?: ejs.TemplateFunction;
}

/** Renders the views of one directory (the app's is views/). */
export function createTemplates(dir: string) {
  const views = new Map<string, View>();

  function viewOf(name: string, cache: boolean): View {
    let view = cache ? views.get(name) : undefined;
    if (!view) {
      const filename = path.join(dir, `${name}.ejs`);
      view = { source: fs.readFileSync(filename, 'utf8'), filename, byNames: new Map() };
      if (cache) views.set(name, view);
    }
    return view;
  }

  return {
    /** Renders the view `name` (a path under the directory, without .ejs) with `data`; throws what it throws. */
    render(name: string, data: Record<string, unknown>, cache: boolean): string {
      const view = viewOf(name, cache);
      const names = Object.keys(data);
      const key = names.join(',');
      let fn = view.byNames.get(key);
      if (!fn && view.byNames.size >= MAX_SHAPES) {
        fn = view.withLocals ??= ejs.compile(view.source, { filename: view.filename });
      } else if (!fn) {
        const options = {
          async: false as const,
          filename: view.filename,
          _with: false,
          // EJS copies the data into an object with no prototype on every call, so that inside
          // `with` no name resolves to Object.prototype's; a view reading only its data's own
          // names as variables needs no copy. (EJS 7's option; @types/ejs describes EJS 3.)
          unsafePrototypeLocals: true,
          destructuredLocals: names.filter((n) => IDENTIFIER.test(n) && !NOT_VARIABLES.has(n)),
        };
        fn = ejs.compile(view.source, options as ejs.Options) as ejs.TemplateFunction;
        view.byNames.set(key, fn);
      }
      return fn(data) as string;
    },
  };
}
