package io.mp3cast.cli;

import io.mp3cast.mp3.EncoderBackend;
import io.mp3cast.mp3.StereoMode;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option values spelled as ffmpeg and LAME users type them, converted to core's types. */
final class Converters {
    private Converters() {}

    /** An http(s) URL naming a mount, checked before anything connects. */
    static final class Url implements ITypeConverter<PushUrl> {
        @Override
        public PushUrl convert(String value) {
            try {
                return PushUrl.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code native}, {@code java} or {@code auto}. */
    static final class Backend implements ITypeConverter<EncoderBackend> {
        @Override
        public EncoderBackend convert(String value) {
            try {
                return EncoderBackend.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code joint}, {@code stereo} or {@code mono}, as LAME's {@code -m j|s|m}. */
    static final class Stereo implements ITypeConverter<StereoMode> {
        @Override
        public StereoMode convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "joint", "j" -> StereoMode.JOINT_STEREO;
                case "stereo", "s" -> StereoMode.STEREO;
                case "mono", "m" -> StereoMode.MONO;
                default -> throw new TypeConversionException("'" + value + "' is not a stereo mode (joint, stereo or mono)");
            };
        }
    }
}
