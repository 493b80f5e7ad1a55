package io.blinkstore.server.command;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * luaj's texts for the runtime errors of a value of the wrong type, in Lua 5.1's words where luaj's carry what they
 * need: {@code attempt to call nil} is {@code attempt to call a nil value}, {@code attempt to perform arithmetic __add
 * on table and number} is {@code attempt to perform arithmetic on a table value}, and so on for length,
 * concatenation and comparison. Lua 5.1 names the variable when it knows one ({@code attempt to call local 'x' (a
 * nil value)}); luaj does not know it, so those keep the form without a name.
 */
final class LuaErrorTexts {
  private static final String TYPE = "(nil|boolean|number|string|table|function|userdata|thread)";
  private static final Pattern CALL = Pattern.compile("attempt to call " + TYPE);
  private static final Pattern LENGTH = Pattern.compile("attempt to get length of " + TYPE);
  private static final Pattern ARITHMETIC =
      Pattern.compile("attempt to perform arithmetic __\\w+ on " + TYPE + " and " + TYPE);
  private static final Pattern CONCATENATE = Pattern.compile("attempt to concatenate " + TYPE + " and " + TYPE);
  private static final Pattern COMPARE = Pattern.compile("attempt to compare __\\w+ on " + TYPE + " and " + TYPE);

  private LuaErrorTexts() {}

  /** {@code text} (after its {@code user_script:N: } position) in Lua 5.1's words, or as it is. */
  static String lua51(String text) {
    Matcher m;
    if ((m = CALL.matcher(text)).matches()) {
      return "attempt to call a " + m.group(1) + " value";
    } else if ((m = LENGTH.matcher(text)).matches()) {
      return "attempt to get length of a " + m.group(1) + " value";
    } else if ((m = ARITHMETIC.matcher(text)).matches()) {
      // luaG_aritherror names the operand that is not a number (a numeric string would not have failed)
      return "attempt to perform arithmetic on a " + (m.group(1).equals("number") ? m.group(2) : m.group(1))
          + " value";
    } else if ((m = CONCATENATE.matcher(text)).matches()) {
      // luaG_concaterror names the first operand that is neither a string nor a number
      boolean first = !m.group(1).equals("string") && !m.group(1).equals("number");
      return "attempt to concatenate a " + (first ? m.group(1) : m.group(2)) + " value";
    } else if ((m = COMPARE.matcher(text)).matches()) {
      return m.group(1).equals(m.group(2)) ? "attempt to compare two " + m.group(1) + " values"
          : "attempt to compare " + m.group(1) + " with " + m.group(2);
    }
    return text;
  }
}
