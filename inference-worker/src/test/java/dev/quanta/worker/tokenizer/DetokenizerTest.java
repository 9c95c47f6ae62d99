package dev.quanta.worker.tokenizer;

import static dev.quanta.worker.tokenizer.ToyVocab.id;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Streaming detokenization never shows half a UTF-8 character and ends with the same text as decode. */
class DetokenizerTest {

    private final Tokenizer spm = ToyVocab.spm();

    @Test
    void holdsBackATwoByteCharacterSplitOverByteTokens() {
        Detokenizer stream = spm.detokenizer();
        assertThat(stream.push(id(spm, "▁hello"))).isEqualTo(" hello");
        assertThat(stream.push(id(spm, "<0xC3>"))).isEmpty();
        assertThat(stream.pendingBytes()).isEqualTo(1);
        assertThat(stream.push(id(spm, "<0xA9>"))).isEqualTo("é");
        assertThat(stream.pendingBytes()).isZero();
    }

    @Test
    void holdsBackAFourByteEmojiUntilItsLastByte() {
        Detokenizer stream = spm.detokenizer();
        byte[] utf8 = "😀".getBytes(java.nio.charset.StandardCharsets.UTF_8); // F0 9F 98 80
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < utf8.length; i++) {
            String out = stream.push(id(spm, String.format("<0x%02X>", utf8[i] & 0xFF)));
            if (i < utf8.length - 1) {
                assertThat(out).as("after byte %d", i).isEmpty();
            }
            seen.append(out);
        }
        assertThat(seen.toString()).isEqualTo("😀");
    }

    @Test
    void aTruncatedCharacterIsFlushedAsAReplacementCharacter() {
        Detokenizer stream = spm.detokenizer();
        assertThat(stream.push(id(spm, "<0xE2>"))).isEmpty();
        assertThat(stream.push(id(spm, "<0x82>"))).isEmpty();
        assertThat(stream.flush()).isEqualTo("\uFFFD");
    }

    @Test
    void invalidBytesAreNotHeldBack() {
        Detokenizer stream = spm.detokenizer();
        assertThat(stream.push(id(spm, "<0x80>"))).isEqualTo("\uFFFD"); // a lone continuation byte
        assertThat(stream.push(id(spm, "▁hello"))).isEqualTo(" hello");
    }

    @Test
    void dropsTheSpacePrefixAfterBosLikeDecode() {
        Detokenizer stream = spm.detokenizer();
        assertThat(stream.push(1)).isEmpty();
        assertThat(stream.push(id(spm, "▁hello"))).isEqualTo("hello");
        assertThat(stream.push(id(spm, "▁world"))).isEqualTo(" world");
    }

    @Test
    void streamedTextEqualsDecodeForRandomByteSequences() {
        SplittableRandom random = new SplittableRandom(7);
        for (int n = 0; n < 300; n++) {
            int[] ids = new int[1 + random.nextInt(12)];
            for (int i = 0; i < ids.length; i++) {
                // mostly byte tokens (3..258) so that characters are split, sometimes a normal piece
                ids[i] = random.nextInt(4) == 0 ? id(spm, "▁world") : 3 + 0xC0 + random.nextInt(0x40) - (random.nextBoolean() ? 0x40 : 0);
            }
            Detokenizer stream = spm.detokenizer();
            StringBuilder text = new StringBuilder();
            for (int id : ids) {
                String piece = stream.push(id);
                assertThat(piece.isEmpty() || !Character.isHighSurrogate(piece.charAt(piece.length() - 1))).isTrue();
                text.append(piece);
            }
            text.append(stream.flush());
            assertThat(text.toString()).isEqualTo(spm.decode(ids));
        }
    }

    @Test
    void completePrefixStopsBeforeAnIncompleteCharacter() {
        assertThat(Detokenizer.completePrefix(new byte[] {'a', (byte) 0xE2, (byte) 0x82})).isEqualTo(1);
        assertThat(Detokenizer.completePrefix(new byte[] {'a', (byte) 0xE2, (byte) 0x82, (byte) 0xAC})).isEqualTo(4);
        assertThat(Detokenizer.completePrefix(new byte[] {(byte) 0xF0})).isZero();
        assertThat(Detokenizer.completePrefix(new byte[] {})).isZero();
    }
}
