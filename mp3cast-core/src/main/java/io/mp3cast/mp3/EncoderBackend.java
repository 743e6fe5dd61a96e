package io.mp3cast.mp3;

/**
 * Which LAME the encoder runs on.
 *
 * <p>{@link #AUTO} picks the system's libmp3lame when it loads and falls back to the pure-Java
 * port otherwise. The system property {@value #PROPERTY} ({@code native}, {@code java} or
 * {@code auto}) overrides {@code AUTO} for a whole process.
 */
public enum EncoderBackend {
    /** The system's libmp3lame if it loads, else {@link #JAVA}. */
    AUTO,
    /** libmp3lame 3.100 through JNA (Debian package {@code libmp3lame0}); fails if it does not load. */
    NATIVE,
    /** jump3r, a pure-Java port of LAME 3.98.4: about 2x slower, needs nothing installed. */
    JAVA;

    /** System property that overrides {@link #AUTO}. */
    public static final String PROPERTY = "mp3cast.encoder";

    /** Parses {@code native}, {@code java} or {@code auto}, any case. */
    public static EncoderBackend parse(String name) {
        for (EncoderBackend b : values()) {
            if (b.name().equalsIgnoreCase(name.trim())) {
                return b;
            }
        }
        throw new IllegalArgumentException("encoder not supported: " + name + " (native, java or auto)");
    }
}
