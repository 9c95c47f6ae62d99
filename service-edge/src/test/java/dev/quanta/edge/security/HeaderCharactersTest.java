package dev.quanta.edge.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * The loop predicates accept exactly what Spring Security's default firewall patterns accept (the patterns
 * copied here as the slow reference), on edge cases and on random strings drawn from every plane.
 */
class HeaderCharactersTest {

    private static final Pattern NAMES = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");
    private static final Pattern VALUES = Pattern.compile("[\\p{IsAssigned}&&[[^\\p{IsControl}]||\\t]]*");

    private static List<String> samples() {
        List<String> samples = new ArrayList<>(List.of("", "Authorization", "Bearer abc.def-ghi_123", "a\tb", "\t",
                "x\r\ny", "\u0000", "\u007f", "\u0080", "\u009f", "\u00a0", "café", "\u0378", "\ud83d\ude00", "\ud83d",
                "\ude00x", "a\u2028b", "\uffff", "\ufffd", new String(Character.toChars(0xE0001)),
                new String(Character.toChars(0x10FFFF)), new String(Character.toChars(0x30000))));
        SplittableRandom random = new SplittableRandom(42);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(6);
            for (int i = 0; i < length; i++) {
                int cp = switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(0x100);           // ASCII and Latin-1, controls included
                    case 1 -> random.nextInt(0x10000);         // the basic plane, lone surrogates included
                    default -> random.nextInt(0x110000);       // anywhere
                };
                s.appendCodePoint(cp);
            }
            samples.add(s.toString());
        }
        return samples;
    }

    @Test
    void namesAndValuesAreJudgedAsTheDefaultFirewallPatternsJudgeThem() {
        int refusedNames = 0;
        for (String s : samples()) {
            assertThat(HeaderCharacters.NAMES.test(s)).as("name %s", s.codePoints().boxed().toList())
                    .isEqualTo(NAMES.matcher(s).matches());
            assertThat(HeaderCharacters.VALUES.test(s)).as("value %s", s.codePoints().boxed().toList())
                    .isEqualTo(VALUES.matcher(s).matches());
            refusedNames += NAMES.matcher(s).matches() ? 0 : 1;
        }
        assertThat(refusedNames).as("the samples exercise refusals").isGreaterThan(1000);
    }

    @Test
    void theFirewallStillRefusesWhatTheDefaultRefuses() {
        StrictHttpFirewall firewall = HeaderCharacters.firewall();
        var request = new MockHttpServletRequest("GET", "/things");
        request.addHeader("X-Evil", "a\u0000b");
        var firewalled = firewall.getFirewalledRequest(request);
        assertThatThrownBy(() -> firewalled.getHeader("X-Evil")).isInstanceOf(RequestRejectedException.class);
    }
}
