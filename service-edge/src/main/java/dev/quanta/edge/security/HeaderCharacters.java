package dev.quanta.edge.security;

import java.util.function.Predicate;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Spring Security's firewall rules for header names and values, as loops instead of regular expressions: the
 * same characters allowed ({@link StrictHttpFirewall}'s defaults: every assigned code point that is not a
 * control character, and in values also the tab), without a {@code Matcher} for every header read of every
 * request. {@code HeaderCharactersTest} compares both on edge cases and random strings.
 */
public final class HeaderCharacters {

    private HeaderCharacters() {
    }

    /** Header names: assigned code points, no control characters. */
    public static final Predicate<String> NAMES = s -> allowed(s, false);

    /** Header values: assigned code points, no control characters but the tab. */
    public static final Predicate<String> VALUES = s -> allowed(s, true);

    /** A firewall as strict as Spring Security's default, with these predicates for headers. */
    public static StrictHttpFirewall firewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderNames(NAMES);
        firewall.setAllowedHeaderValues(VALUES);
        return firewall;
    }

    static boolean allowed(String s, boolean tab) {
        for (int i = 0; i < s.length(); ) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f || c == '\t' && tab) { // printable ASCII: the common case
                i++;
                continue;
            }
            int cp = s.codePointAt(i);
            int type = Character.getType(cp);
            if (type == Character.UNASSIGNED || type == Character.CONTROL) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }
}
