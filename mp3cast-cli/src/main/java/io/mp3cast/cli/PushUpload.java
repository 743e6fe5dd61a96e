package io.mp3cast.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpRetryException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One push to an mp3cast server: an HTTP {@code PUT} whose chunked body is written as the audio comes, and
 * the server's answer. Every failure becomes a one-line {@link CliException}: {@code refused} when
 * the server answered with an error status (its status line and the first line of its message), or
 * {@code unreachable} when there was no answer (naming {@code host:port}).
 *
 * <p>Built on {@link HttpURLConnection} in chunked streaming mode, not {@code java.net.http}'s
 * {@code HttpClient}, for what each does when the server answers before the body is complete (a
 * wrong password, a mount that has a source, a limit reached), tried on JDK 17:
 * <ul>
 *   <li>HttpURLConnection writes to the socket on the caller's thread, so a server that reads at
 *       its own pace holds the writer back (TCP backpressure) and memory stays flat. When the server
 *       answers and closes, the next write fails, and {@code getResponseCode()} still returns the
 *       status and message the server sent.</li>
 *   <li>HttpClient with {@code BodyPublishers.ofInputStream} completes the exchange only once the
 *       body has been sent, so the answer to an endless stdin never arrives while the server reads
 *       on; with {@code expectContinue(true)} it waited forever on a final status sent instead of
 *       {@code 100 Continue}.</li>
 * </ul>
 * No {@code Expect: 100-continue} is sent: HttpURLConnection would wait 5 s for the 100 from a
 * server that ignores it, a needless delay at the start of a live stream.
 *
 * <p>Not thread-safe: one thread writes and finishes.
 */
final class PushUpload implements Upload {
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    /** How long the server may take to answer once the body is complete. */
    private static final int ANSWER_TIMEOUT_MILLIS = 30_000;
    private static final int CHUNK_BYTES = 64 * 1024;
    private static final int MESSAGE_BYTES = 4096;

    private final HttpURLConnection connection;
    private final PushUrl target;
    private final OutputStream body;
    private final String unauthorizedHint;
    private boolean finished;

    private PushUpload(HttpURLConnection connection, PushUrl target, OutputStream body, String unauthorizedHint) {
        this.connection = connection;
        this.target = target;
        this.body = body;
        this.unauthorizedHint = unauthorizedHint;
    }

    /**
     * Connects and sends the request line and headers; the body follows with {@link #write}.
     *
     * @param url              what to connect to, query included
     * @param target           the URL as the user gave it, for messages
     * @param headers          request headers, {@code Authorization} among them if credentials are used
     * @param unauthorizedHint what to add to a {@code 401}'s message, such as how to give a password
     */
    static PushUpload start(URL url, PushUrl target, Map<String, String> headers, String unauthorizedHint)
            throws CliException {
        HttpURLConnection c;
        try {
            c = (HttpURLConnection) url.openConnection();
            c.setRequestMethod("PUT");
            c.setDoOutput(true);
            c.setChunkedStreamingMode(CHUNK_BYTES);
            c.setInstanceFollowRedirects(false);
            c.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
            c.setReadTimeout(ANSWER_TIMEOUT_MILLIS);
            headers.forEach(c::setRequestProperty);
        } catch (IOException e) {
            throw cannotConnect(target, e);
        }
        try {
            return new PushUpload(c, target, c.getOutputStream(), unauthorizedHint);
        } catch (IOException e) {
            c.disconnect();
            throw cannotConnect(target, e);
        }
    }

    /** Sends {@code length} bytes now, as one chunk: a live stream must not wait in a buffer. */
    @Override
    public void write(byte[] bytes, int offset, int length) throws CliException {
        try {
            body.write(bytes, offset, length);
            body.flush();
        } catch (IOException e) {
            throw brokeOff(e);
        }
    }

    /**
     * Ends the body and waits for the server's answer.
     *
     * @return the server's status line, such as {@code 200 OK}, when it is a success (2xx)
     * @throws CliException when the answer is not a success, or does not come
     */
    @Override
    public String finish() throws CliException {
        finished = true;
        try {
            body.close();
        } catch (IOException e) {
            throw brokeOff(e);
        }
        try {
            int status = connection.getResponseCode();
            if (status / 100 != 2) {
                throw refused(status);
            }
            return statusLine(status);
        } catch (SocketTimeoutException e) {
            throw CliException.unreachable("no answer from " + target.hostPort() + " within "
                    + ANSWER_TIMEOUT_MILLIS / 1000 + " s of the upload's end", e);
        } catch (IOException e) {
            throw CliException.unreachable("no answer from " + target.hostPort() + " after the upload: "
                    + ErrorHandlers.describe(e), e);
        } finally {
            connection.disconnect();
        }
    }

    /** Without {@link #finish}: drops the connection, so the server sees the body cut off, not ended. */
    @Override
    public void close() {
        if (!finished) {
            finished = true;
            connection.disconnect();
        }
    }

    /**
     * A write failed: the server closed the connection. It may have said why first (a limit, a
     * mount taken over); if not, the connection was lost.
     */
    private CliException brokeOff(IOException e) {
        finished = true;
        try {
            int status = connection.getResponseCode();
            if (status > 0) {
                return refused(status);
            }
        } catch (HttpRetryException retry) {
            return refused(retry.responseCode());
        } catch (IOException noAnswer) {
            e.addSuppressed(noAnswer);
        } finally {
            connection.disconnect();
        }
        return CliException.unreachable("connection to " + target.hostPort() + " lost while sending: "
                + ErrorHandlers.describe(e), e);
    }

    private CliException refused(int status) {
        String location = connection.getHeaderField("Location");
        String message = status / 100 == 3 && location != null ? "moved to " + location : firstLineOfMessage();
        return CliException.refused(status, target.display(), statusLine(status), message, unauthorizedHint);
    }

    /** Called once the status has been read, so the reason phrase is at hand and no I/O is done. */
    private String statusLine(int status) {
        String reason;
        try {
            reason = connection.getResponseMessage();
        } catch (IOException e) {
            reason = null;
        }
        return reason == null ? Integer.toString(status) : (status + " " + reason).strip();
    }

    /** The server's message is its body's first line; the rest (a stack trace, a page of HTML) is left unread. */
    private String firstLineOfMessage() {
        try (InputStream in = connection.getErrorStream()) {
            if (in == null) {
                return "";
            }
            String text = new String(in.readNBytes(MESSAGE_BYTES), StandardCharsets.UTF_8);
            String line = text.strip().lines().findFirst().orElse("").strip();
            return CliException.quote(line);
        } catch (IOException e) {
            return "";
        }
    }

    static CliException cannotConnect(PushUrl target, IOException e) {
        String why = e instanceof ConnectException && e.getMessage() != null ? e.getMessage().toLowerCase(Locale.ROOT)
                : e instanceof UnknownHostException ? "unknown host"
                : e instanceof SocketTimeoutException ? "no answer within " + CONNECT_TIMEOUT_MILLIS / 1000 + " s"
                : ErrorHandlers.describe(e);
        return CliException.unreachable("cannot connect to " + target.hostPort() + ": " + why, e);
    }
}
