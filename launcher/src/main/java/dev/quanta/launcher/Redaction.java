package dev.quanta.launcher;

import java.util.regex.Pattern;

/** Masks credentials inside URLs before they reach a log or the terminal. */
final class Redaction {

    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@?#]*):([^@/?#]*)@");
    private static final Pattern PASSWORD_PARAM = Pattern.compile("((?:^|[?&;])(?:password|pass|pwd|sslpassword)=)[^&;#]*",
            Pattern.CASE_INSENSITIVE);

    private Redaction() {}

    /** {@code jdbc:postgresql://u:secret@h/db?password=x} → {@code jdbc:postgresql://u:****@h/db?password=****}. */
    static String maskUrl(String url) {
        if (url == null) {
            return null;
        }
        String masked = USER_INFO.matcher(url).replaceAll("$1:****@");
        return PASSWORD_PARAM.matcher(masked).replaceAll("$1****");
    }
}
