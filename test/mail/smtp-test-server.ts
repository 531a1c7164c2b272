// A real SMTP server (npm smtp-server) on an ephemeral loopback port, for the mail tests: it keeps
// what it accepted, can require a login, can refuse recipients with a given reply, and can be
// stopped and started again on the same port to play an outage.
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedEmail {
  envelopeFrom: string;
  envelopeTo: string[];
  /** Header names in lower case; folded lines joined. */
  headers: Record<string, string>;
  body: string;
  raw: string;
}

export interface TestSmtpServer {
  port: number;
  /** An SMTP_URL for this server (with the credentials when it requires a login). */
  url: string;
  received: ReceivedEmail[];
  /** Refuse every recipient with this reply (e.g. 451 for "try later", 550 for "no such user"), or accept again (null). */
  refuseRecipients(reply: { code: number; message: string } | null): void;
  stop(): Promise<void>;
  /** Starts again on the same port after stop(). */
  restart(): Promise<void>;
}

function parse(raw: string, envelopeFrom: string, envelopeTo: string[]): ReceivedEmail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { envelopeFrom, envelopeTo, headers, body: raw.slice(split + 4), raw };
}

export async function startTestSmtpServer(options: { auth?: { user: string; pass: string } } = {}): Promise<TestSmtpServer> {
  const received: ReceivedEmail[] = [];
  let refusal: { code: number; message: string } | null = null;
  let port = 0;

  const serverOptions: SMTPServerOptions = {
    logger: false,
    // No TLS on loopback: nodemailer would upgrade to the server's self-signed certificate.
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    closeTimeout: 200,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) return callback(null, { user: auth.username });
      callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, callback) {
      if (refusal) return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        received.push(parse(Buffer.concat(chunks).toString('utf8'), from, session.envelope.rcptTo.map((r) => r.address)));
        callback();
      });
    },
  };

  let server: SMTPServer;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = new SMTPServer(serverOptions);
      server.on('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.server.address();
        port = typeof address === 'object' && address ? address.port : port;
        resolve();
      });
    });
  await listen();

  const credentials = options.auth ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@` : '';
  return {
    get port() {
      return port;
    },
    url: `smtp://${credentials}127.0.0.1:${port}`,
    received,
    refuseRecipients(reply) {
      refusal = reply;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    restart: listen,
  };
}
