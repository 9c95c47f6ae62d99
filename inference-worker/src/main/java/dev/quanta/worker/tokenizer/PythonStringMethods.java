package dev.quanta.worker.tokenizer;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python string methods that chat templates call ({@code content.startswith('x')}, {@code .strip('\n')},
 * {@code .split()}, {@code .upper()}, ...) and that jinjava, which calls Java methods, would otherwise lack or
 * get wrong ({@code String.split} takes a regex). Consulted before jinjava's own resolver, only for method calls
 * on strings with these names; everything else falls through.
 */
final class PythonStringMethods extends ELResolver {

    private static final Set<String> METHODS = Set.of(
            "startswith", "endswith", "upper", "lower", "strip", "lstrip", "rstrip", "title", "capitalize", "split");

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(base instanceof String s) || method == null || !METHODS.contains(method.toString())) {
            return null;
        }
        String[] args = new String[params == null ? 0 : params.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = params[i] == null ? null : params[i].toString();
        }
        Object result = apply(method.toString(), s, args);
        context.setPropertyResolved(true);
        return result;
    }

    static Object apply(String method, String s, String[] a) {
        return switch (method) {
            case "startswith" -> a.length > 0 && a[0] != null && s.startsWith(a[0]);
            case "endswith" -> a.length > 0 && a[0] != null && s.endsWith(a[0]);
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "strip" -> rstrip(lstrip(s, a), a);
            case "lstrip" -> lstrip(s, a);
            case "rstrip" -> rstrip(s, a);
            case "title" -> title(s);
            case "capitalize" -> s.isEmpty() ? s
                    : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
            case "split" -> split(s, a);
            default -> throw new IllegalArgumentException("no string method " + method);
        };
    }

    private static boolean stripped(int c, String[] chars) {
        return chars.length == 0 || chars[0] == null ? Character.isWhitespace(c) : chars[0].indexOf(c) >= 0;
    }

    private static String lstrip(String s, String[] chars) {
        int i = 0;
        while (i < s.length() && stripped(s.charAt(i), chars)) {
            i++;
        }
        return s.substring(i);
    }

    private static String rstrip(String s, String[] chars) {
        int j = s.length();
        while (j > 0 && stripped(s.charAt(j - 1), chars)) {
            j--;
        }
        return s.substring(0, j);
    }

    private static String title(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean start = true;
        for (char c : s.toCharArray()) {
            sb.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
            start = !Character.isLetter(c);
        }
        return sb.toString();
    }

    /** Python {@code split()}: on runs of white space without empty parts, or on a literal separator. */
    private static List<String> split(String s, String[] args) {
        if (args.length == 0 || args[0] == null) {
            String t = s.strip();
            return t.isEmpty() ? new ArrayList<>() : new ArrayList<>(Arrays.asList(t.split("\\s+")));
        }
        String sep = args[0];
        if (sep.isEmpty()) {
            throw new IllegalArgumentException("split: empty separator");
        }
        List<String> parts = new ArrayList<>();
        int pos = 0;
        int at;
        while ((at = s.indexOf(sep, pos)) >= 0) {
            parts.add(s.substring(pos, at));
            pos = at + sep.length();
        }
        parts.add(s.substring(pos));
        return parts;
    }

    // property access is left to jinjava's resolvers

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return Collections.emptyIterator();
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        // never resolves: jinjava's resolvers handle assignments
    }
}
