package dev.quanta.gguf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Little-endian buffered output over a file channel that counts what it wrote, with the GGUF encodings of
 * strings and metadata values (see {@link GgufReader} for the format). Used by {@link GgufWriter}.
 */
final class GgufOutput extends OutputStream {

    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private long flushed;

    GgufOutput(FileChannel ch) {
        this.ch = ch;
    }

    long written() {
        return flushed + buf.position();
    }

    private void room(int n) throws IOException {
        if (buf.remaining() < n) {
            flush();
        }
    }

    void u8(int v) throws IOException {
        room(1);
        buf.put((byte) v);
    }

    void u16(int v) throws IOException {
        room(2);
        buf.putShort((short) v);
    }

    void u32(int v) throws IOException {
        room(4);
        buf.putInt(v);
    }

    void u64(long v) throws IOException {
        room(8);
        buf.putLong(v);
    }

    void string(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(b.length);
        write(b);
    }

    void padTo(long alignment) throws IOException {
        long pad = GgufReader.alignUp(written(), alignment) - written();
        for (long i = 0; i < pad; i++) {
            u8(0);
        }
    }

    @Override
    public void write(int b) throws IOException {
        u8(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            room(1);
            int n = Math.min(len, buf.remaining());
            buf.put(b, off, n);
            off += n;
            len -= n;
        }
    }

    @Override
    public void flush() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            flushed += ch.write(buf);
        }
        buf.clear();
    }

    @Override
    public void close() throws IOException {
        flush();
    }

    void value(GgufValue v) throws IOException {
        switch (v.type()) {
            case UINT8, INT8 -> u8((int) (long) (Long) v.value());
            case UINT16, INT16 -> u16((int) (long) (Long) v.value());
            case UINT32, INT32 -> u32((int) (long) (Long) v.value());
            case UINT64, INT64 -> u64((Long) v.value());
            case FLOAT32 -> u32(Float.floatToRawIntBits((Float) v.value()));
            case FLOAT64 -> u64(Double.doubleToRawLongBits((Double) v.value()));
            case BOOL -> u8((Boolean) v.value() ? 1 : 0);
            case STRING -> string((String) v.value());
            case ARRAY -> array((GgufArray) v.value());
        }
    }

    void array(GgufArray a) throws IOException {
        u32(a.elementType().id());
        u64(a.size());
        Object raw = a.raw();
        switch (a.elementType()) {
            case UINT8, INT8 -> write((byte[]) raw);
            case UINT16, INT16 -> {
                for (short s : (short[]) raw) {
                    u16(s);
                }
            }
            case UINT32, INT32 -> {
                for (int x : (int[]) raw) {
                    u32(x);
                }
            }
            case UINT64, INT64 -> {
                for (long x : (long[]) raw) {
                    u64(x);
                }
            }
            case FLOAT32 -> {
                for (float f : (float[]) raw) {
                    u32(Float.floatToRawIntBits(f));
                }
            }
            case FLOAT64 -> {
                for (double d : (double[]) raw) {
                    u64(Double.doubleToRawLongBits(d));
                }
            }
            case BOOL -> {
                for (boolean b : (boolean[]) raw) {
                    u8(b ? 1 : 0);
                }
            }
            case STRING -> {
                if (raw instanceof PackedStrings packed) {
                    write(packed.region()); // already encoded as u64 length + UTF-8 per element
                } else {
                    for (String s : (String[]) raw) {
                        string(s);
                    }
                }
            }
            case ARRAY -> {
                for (GgufArray nested : (GgufArray[]) raw) {
                    array(nested);
                }
            }
        }
    }
}
