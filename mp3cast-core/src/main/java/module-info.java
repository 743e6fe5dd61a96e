/**
 * mp3cast's library: PCM formats and WAV, the MP3 encoder, audio sources, live streams and push
 * feeds, the scheduler that paces them, and the specs of the built-in sources. No network code.
 * The LAME engines (native through JNA, or the pure-Java port) stay inside {@code io.mp3cast.mp3}.
 */
module io.mp3cast.core {
    requires java.management;  // EncoderCpu reads the thread CPU clock
    requires org.slf4j;
    requires com.sun.jna;
    requires jump3r;

    exports io.mp3cast.pcm;
    exports io.mp3cast.mp3;
    exports io.mp3cast.source;
    exports io.mp3cast.live;
    exports io.mp3cast.live.push;
    exports io.mp3cast.time;
    exports io.mp3cast.spec;

    // JNA's direct mapping binds NativeLame's (and ThreadNice's libc) native methods reflectively.
    opens io.mp3cast.mp3 to com.sun.jna;
    opens io.mp3cast.time to com.sun.jna;
}
