package dev.quanta.worker.tokenizer;

import static dev.quanta.worker.tokenizer.ToyVocab.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** SentencePiece rules on a toy vocabulary: space prefix, merges by score, byte fallback, specials, BOS/EOS. */
class SpmTokenizerTest {

    private final Tokenizer spm = ToyVocab.spm();

    @Test
    void prefixesASpaceAndMergesTheHighestScoredPairsFirst() {
        assertThat(spm.encode("hello world", false, false))
                .containsExactly(id(spm, "▁hello"), id(spm, "▁world"));
    }

    @Test
    void addsBosByDefaultButNotEos() {
        assertThat(spm.addsBos()).isTrue();
        assertThat(spm.addsEos()).isFalse();
        assertThat(spm.encode("hello", true, false)).containsExactly(1, id(spm, "▁hello"));
        assertThat(spm.encode("", true, false)).containsExactly(1);
        assertThat(spm.encode("", false, false)).isEmpty();
    }

    @Test
    void charactersWithoutATokenFallBackToUtf8ByteTokens() {
        // '€' = E2 82 AC, not in the vocabulary; 'é' is
        assertThat(spm.encode("€é", false, false)).containsExactly(
                id(spm, "▁"), id(spm, "<0xE2>"), id(spm, "<0x82>"), id(spm, "<0xAC>"), id(spm, "é"));
        assertThat(spm.decode(spm.encode("€é", true, false))).isEqualTo("€é");
    }

    @Test
    void controlTokensInTextAreParsedOnlyWithParseSpecialAndTextAfterThemGetsASpacePrefix() {
        int[] parsed = spm.encode("hello</s>hello", false, true);
        assertThat(parsed).containsExactly(id(spm, "▁hello"), 2, id(spm, "▁hello"));
        int[] literal = spm.encode("hello</s>", false, false);
        assertThat(literal).doesNotContain(2);
        assertThat(spm.decode(literal)).isEqualTo(" hello</s>");
    }

    @Test
    void userDefinedTokensAreAlwaysMatchedAndDecodeAsTheirText() {
        int tool = id(spm, "<tool>");
        assertThat(spm.encode("<tool>hello", false, false)).containsExactly(tool, id(spm, "▁hello"));
        assertThat(spm.decode(new int[] {tool})).isEqualTo("<tool>");
    }

    @Test
    void controlTokensDecodeToNothingUnlessAskedFor() {
        assertThat(spm.decode(new int[] {1, id(spm, "▁hello"), 2})).isEqualTo("hello");
        assertThat(new String(spm.piece(2, true))).isEqualTo("</s>");
        assertThat(spm.piece(2, false)).isEmpty();
    }

    @Test
    void decodeKeepsTheLeadingSpaceOfAContinuationWithoutBos() {
        assertThat(spm.decode(new int[] {id(spm, "▁hello"), id(spm, "▁world")})).isEqualTo(" hello world");
    }

    @Test
    void endOfGenerationIsEos() {
        assertThat(spm.isEog(2)).isTrue();
        assertThat(spm.isEog(1)).isFalse();
        assertThat(spm.eot()).isEqualTo(Tokenizer.NO_TOKEN);
    }

    @Test
    void eosIsAppendedWhenTheVocabularyAsksForIt() {
        Tokenizer withEos = Tokenizers.of(Vocabulary.builder(Vocabulary.Model.SPM, List.of("<unk>", "<s>", "</s>", "▁a"))
                .types(new int[] {2, 3, 3, 1}).addEos(true).addBos(false).build());
        assertThat(withEos.encode("a", true, false)).containsExactly(3, 2);
    }

    @Test
    void outOfRangeIdsAreRejectedWithAClearMessage() {
        assertThatThrownBy(() -> spm.decode(new int[] {99999}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("99999");
    }
}
