package io.mp3cast.server.status;

/** Just enough JSON writing for the status pages. */
final class Json {
    private final StringBuilder sb = new StringBuilder(1024);
    private boolean needComma;

    Json begin() {
        comma();
        sb.append('{');
        needComma = false;
        return this;
    }

    Json end() {
        sb.append('}');
        needComma = true;
        return this;
    }

    Json beginArray(String key) {
        key(key);
        sb.append('[');
        needComma = false;
        return this;
    }

    Json endArray() {
        sb.append(']');
        needComma = true;
        return this;
    }

    Json beginObject(String key) {
        key(key);
        sb.append('{');
        needComma = false;
        return this;
    }

    Json field(String key, String value) {
        key(key);
        if (value == null) {
            sb.append("null");
        } else {
            quote(value);
        }
        needComma = true;
        return this;
    }

    Json field(String key, long value) {
        key(key);
        sb.append(value);
        needComma = true;
        return this;
    }

    Json field(String key, boolean value) {
        key(key);
        sb.append(value);
        needComma = true;
        return this;
    }

    Json field(String key, double value) {
        key(key);
        sb.append(Double.isFinite(value) ? Double.toString(value) : "null");
        needComma = true;
        return this;
    }

    private void key(String key) {
        comma();
        quote(key);
        sb.append(':');
    }

    private void comma() {
        if (needComma) {
            sb.append(',');
        }
    }

    private void quote(String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
