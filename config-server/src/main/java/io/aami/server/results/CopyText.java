package io.aami.server.results;

import java.time.Instant;

/** Builds rows in PostgreSQL's COPY text format (tab-separated, backslash escapes, {@code \N} for null). */
public final class CopyText {
    private final StringBuilder sb;
    private boolean rowStarted;

    public CopyText(int expectedRows) {
        this.sb = new StringBuilder(expectedRows * 160);
    }

    public CopyText field(Object value) {
        if (rowStarted) {
            sb.append('\t');
        }
        rowStarted = true;
        if (value == null) {
            sb.append("\\N");
        } else if (value instanceof String s) {
            escape(s);
        } else if (value instanceof Instant t) {
            sb.append(t);
        } else {
            sb.append(value);
        }
        return this;
    }

    public CopyText endRow() {
        sb.append('\n');
        rowStarted = false;
        return this;
    }

    public String text() {
        return sb.toString();
    }

    private void escape(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\0' -> sb.append(' ');
                default -> sb.append(ch);
            }
        }
    }
}
