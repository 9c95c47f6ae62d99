package dev.quanta.worker.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * GPT-2's reversible byte ↔ code point map used by byte-level BPE vocabularies: printable Latin-1 bytes
 * ({@code !}..{@code ~}, {@code ¡}..{@code ¬}, {@code ®}..{@code ÿ}) stand for themselves, the other 68 bytes
 * map in order to U+0100.., so a space is {@code Ġ} (U+0120) and a newline {@code Ċ} (U+010A).
 */
final class ByteLevel {

    /** [256] byte value → code point. */
    private static final int[] BYTE_TO_CP = new int[256];
    /** [0x144] code point → byte value, or -1. */
    private static final int[] CP_TO_BYTE = new int[0x144];

    static {
        java.util.Arrays.fill(CP_TO_BYTE, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            int cp = printable ? b : next++;
            BYTE_TO_CP[b] = cp;
            CP_TO_BYTE[cp] = b;
        }
    }

    private ByteLevel() {}

    /** The byte-level form of {@code text}: each UTF-8 byte becomes one code point. */
    static String encode(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(utf8.length);
        for (byte b : utf8) {
            sb.append((char) BYTE_TO_CP[b & 0xFF]); // all code points < 0x144: one char each
        }
        return sb.toString();
    }

    /** The bytes a byte-level token text stands for; code points outside the map are kept as UTF-8. */
    static byte[] decode(String tokenText) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(tokenText.length());
        tokenText.codePoints().forEach(cp -> {
            if (cp < CP_TO_BYTE.length && CP_TO_BYTE[cp] >= 0) {
                out.write(CP_TO_BYTE[cp]);
            } else {
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
            }
        });
        return out.toByteArray();
    }

    /** The token text of a single raw byte. */
    static String ofByte(int b) {
        return String.valueOf((char) BYTE_TO_CP[b & 0xFF]);
    }
}
