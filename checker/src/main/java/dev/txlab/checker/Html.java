package dev.txlab.checker;

/**
 * Text made safe to put in HTML, in element content and in quoted attributes alike: the one
 * escaping helper every report uses.
 */
public final class Html {
  private Html() {}

  /** {@code s} with {@code & < > " '} replaced by their character references. */
  public static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
