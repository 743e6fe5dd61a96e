package io.mp3cast.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.net.ssl.SSLSocketFactory;

/**
 * One push in the shape Icecast takes from its source clients (libshout, ffmpeg's {@code icecast://}):
 * {@code PUT} with {@code Expect: 100-continue}, then the MP3 as the rest of the connection, with
 * neither {@code Content-Length} nor chunked encoding, until it closes.
 *
 * <p>Icecast 2.4 reads no chunked request body: the chunk-size lines of a chunked upload (what
 * {@link PushUpload} sends) would land in the stream as garbage, a decode error every 64 KiB for
 * every listener. So this writes the socket itself.
 *
 * <p>The server's first answer decides: {@code 100 Continue} (Icecast 2.4 with {@code Expect}) or
 * any {@code 2xx} starts the stream; an error status is a {@code refused} {@link CliException} with
 * the status and the first line of the server's message (HTML tags removed). A server that says
 * nothing within {@value #CONTINUE_WAIT_MILLIS} ms is sent the stream anyway, as RFC 9110 lets a
 * client do. Nothing more is read: Icecast answers nothing else, and a dropped connection shows up
 * as a failed write.
 *
 * <p>Not thread-safe: one thread writes and finishes.
 */
final class IcecastUpload implements Upload {
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int CONTINUE_WAIT_MILLIS = 5_000;
    private static final int HEAD_MAX_BYTES = 16 * 1024;
    private static final int MESSAGE_BYTES = 4096;

    private final Socket socket;
    private final OutputStream out;
    private final PushUrl target;
    private final String answer;

    private IcecastUpload(Socket socket, PushUrl target, String answer) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.target = target;
        this.answer = answer;
    }

    /**
     * Connects, sends the request head and waits for the server's go-ahead.
     *
     * @param rawPathAndQuery the request target, as {@code /live.mp3}
     * @param headers         request headers, {@code Authorization} among them if credentials are used
     * @param unauthorizedHint what to add to a {@code 401}'s message
     */
    static IcecastUpload start(PushUrl target, String rawPathAndQuery, Map<String, String> headers,
                               String unauthorizedHint) throws CliException {
        Socket socket = null;
        try {
            socket = target.isHttps() ? SSLSocketFactory.getDefault().createSocket() : new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(target.host(), target.port()), CONNECT_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(head(target, rawPathAndQuery, headers).getBytes(StandardCharsets.UTF_8));
            out.flush();
            String answer = awaitAnswer(socket, target, unauthorizedHint);
            return new IcecastUpload(socket, target, answer);
        } catch (IOException e) {
            closeQuietly(socket);
            throw PushUpload.cannotConnect(target, e);
        } catch (CliException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    private static String head(PushUrl target, String rawPathAndQuery, Map<String, String> headers) {
        StringBuilder h = new StringBuilder("PUT ").append(rawPathAndQuery).append(" HTTP/1.1\r\n");
        h.append("Host: ").append(target.hostPort()).append("\r\n");
        headers.forEach((name, value) -> h.append(name).append(": ").append(value).append("\r\n"));
        return h.append("Expect: 100-continue\r\n\r\n").toString();
    }

    /** The status line of a go-ahead; throws for an error status. */
    private static String awaitAnswer(Socket socket, PushUrl target, String unauthorizedHint)
            throws IOException, CliException {
        socket.setSoTimeout(CONTINUE_WAIT_MILLIS);
        String head;
        try {
            head = readHead(socket.getInputStream());
        } catch (SocketTimeoutException e) {
            socket.setSoTimeout(0);
            return "no answer yet, sending";
        }
        if (head == null) {
            throw CliException.unreachable(target.hostPort() + " closed the connection without an answer", null);
        }
        String statusLine = head.lines().findFirst().orElse("");
        int status = status(statusLine, target);
        if (status == 100 || status / 100 == 2) {
            socket.setSoTimeout(0);
            return statusLine.substring(statusLine.indexOf(' ') + 1).strip();
        }
        throw CliException.refused(status, target.display(), statusLine.substring(statusLine.indexOf(' ') + 1).strip(),
                firstLineOfMessage(socket), unauthorizedHint);
    }

    private static int status(String statusLine, PushUrl target) throws CliException {
        String[] parts = statusLine.split(" ");
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") && !parts[0].startsWith("ICY")) {
            throw CliException.unreachable(target.hostPort() + " answered something that is not HTTP: '"
                    + CliException.quote(statusLine) + "'", null);
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw CliException.unreachable(target.hostPort() + " answered with no status: '"
                    + CliException.quote(statusLine) + "'", e);
        }
    }

    /** The response head up to its blank line, or null when the connection closed first. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (head.size() < HEAD_MAX_BYTES) {
            int c = in.read();
            if (c < 0) {
                return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
            }
            head.write(c);
            matched = c == '\n' ? matched + 1 : c == '\r' ? matched : 0;
            if (matched == 2) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** The body's first line of text, tags removed: Icecast's error pages are small HTML documents. */
    private static String firstLineOfMessage(Socket socket) {
        try {
            socket.setSoTimeout(2000);
            String text = new String(socket.getInputStream().readNBytes(MESSAGE_BYTES), StandardCharsets.UTF_8);
            String line = text.replaceAll("(?s)<head>.*?</head>", " ").replaceAll("<[^>]*>", " ").strip()
                    .lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("")
                    .replaceAll("\\s+", " ");
            return CliException.quote(line);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws CliException {
        try {
            out.write(bytes, offset, length);
            out.flush();
        } catch (IOException e) {
            close();
            throw CliException.unreachable("connection to " + target.hostPort() + " lost while sending: "
                    + ErrorHandlers.describe(e), e);
        }
    }

    /** Ends the stream by closing the connection: Icecast's sources have no other end, and get no answer. */
    @Override
    public String finish() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            // closing anyway
        }
        close();
        return answer;
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing to do: the connection is being given up
            }
        }
    }
}
