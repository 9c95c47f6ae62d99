package dev.quanta.gateway.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a Server-Sent Events stream into events as the bytes arrive (an event ends with a blank line), so
 * each can be passed on at once: nothing waits for more than the event it belongs to.
 */
public final class SseEvents {

    private final InputStream in;
    private byte[] buf = new byte[16 * 1024];
    private int start;
    private int end;
    private int scanned;

    public SseEvents(InputStream in) {
        this.in = in;
    }

    /** The next event's raw bytes, blank line included; a trailing partial event at EOF; null at EOF. */
    public byte[] next() throws IOException {
        while (true) {
            for (int i = Math.max(scanned, start + 1); i < end; i++) {
                if (buf[i] == '\n' && buf[i - 1] == '\n') {
                    byte[] event = Arrays.copyOfRange(buf, start, i + 1);
                    start = i + 1;
                    scanned = start;
                    return event;
                }
            }
            scanned = Math.max(start, end);
            if (start > 0) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                scanned -= start;
                start = 0;
            }
            if (end == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                if (end > start) {
                    byte[] rest = Arrays.copyOfRange(buf, start, end);
                    start = end;
                    return rest;
                }
                return null;
            }
            end += n;
        }
    }

    /** The event's data: its {@code data:} lines joined by newlines (one optional space after the colon dropped). */
    public static String data(byte[] event) {
        String text = new String(event, StandardCharsets.UTF_8);
        StringBuilder data = new StringBuilder();
        for (String line : text.split("\r?\n")) {
            if (line.startsWith("data:")) {
                if (!data.isEmpty()) {
                    data.append('\n');
                }
                data.append(line, line.startsWith("data: ") ? 6 : 5, line.length());
            }
        }
        return data.toString();
    }
}
