// A minimal SMTP server for tests of the mail relay: records each
// message's envelope and data.
import net from 'node:net';

export function smtpListener() {
  const messages = [];
  const server = net.createServer((sock) => {
    let buf = '', inData = false, msg = null;
    sock.write('220 test ESMTP\r\n');
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          msg.data = buf.slice(0, end);
          buf = buf.slice(end + 5);
          inData = false;
          messages.push(msg);
          sock.write('250 OK queued\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        if (/^EHLO/i.test(line)) sock.write('250-test\r\n250 8BITMIME\r\n');
        else if (/^MAIL FROM:/i.test(line)) { msg = { from: line.slice(10), to: [] }; sock.write('250 OK\r\n'); }
        else if (/^RCPT TO:/i.test(line)) { msg.to.push(line.slice(8)); sock.write('250 OK\r\n'); }
        else if (/^DATA/i.test(line)) { inData = true; sock.write('354 go on\r\n'); }
        else if (/^QUIT/i.test(line)) { sock.end('221 bye\r\n'); return; }
        else sock.write('500 what\r\n');
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, messages, port: server.address().port })));
}
