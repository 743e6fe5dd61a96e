package io.mp3cast.server;

/** Reads a body on its own thread, so several listeners drain at once. */
final class BodyReader extends Thread {
    private final RawHttp http;
    private volatile byte[] result;
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
            result = http.readAll();
        } catch (Exception e) {
            failure = e;
        }
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
