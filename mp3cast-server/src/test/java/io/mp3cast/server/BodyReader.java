package io.mp3cast.server;

/** Reads a body on its own thread, so several listeners drain at once. */
final class BodyReader extends Thread {
    private final RawHttp http;
    private volatile byte[] result;
    private volatile long received;
    private volatile Exception failure;

    private BodyReader(RawHttp http) {
        this.http = http;
        setDaemon(true);
    }

    static BodyReader start(RawHttp http) {
        BodyReader r = new BodyReader(http);
        r.start();
        return r;
    }

    @Override
    public void run() {
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = http.body.read(buf)) >= 0) {
                out.write(buf, 0, n);
                received += n;
            }
            result = out.toByteArray();
        } catch (Exception e) {
            failure = e;
        }
    }

    /** Body bytes read so far. */
    long received() {
        return received;
    }

    byte[] body() throws Exception {
        join(30_000);
        if (failure != null) {
            throw failure;
        }
        if (result == null) {
            throw new AssertionError("body not read within 30 s");
        }
        return result;
    }
}
