import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * What luaj retains on the heap per table slot, table and closure a library's code makes as it loads, against the
 * figures its load is counted by (LuaInterrupts.SLOT_BYTES, TABLE_BYTES, CLOSURE_BYTES, UPVALUE_BYTES; docs/resp.md,
 * Functions). Not part of the build: java -cp luaj-jse-3.0.1.jar LuaLoadCosts.java [ITERATIONS], under the JVM options
 * of the server (-XX:+UseG1GC).
 */
public class LuaLoadCosts {
  static long used() {
    for (int i = 0; i < 4; i++) System.gc();
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  public static void main(String[] a) {
    int n = a.length > 0 ? Integer.parseInt(a[0]) : 200_000;
    Globals g = JsePlatform.standardGlobals();
    String[][] cases = {
      {"array ints", "local t = {} for i = 1, N do t[i] = i end return t"},
      {"array doubles", "local t = {} for i = 1, N do t[i] = i + 0.5 end return t"},
      {"array short strings", "local t = {} for i = 1, N do t[i] = 'v' .. i end return t"},
      {"hash double keys, double values", "local t = {} for i = 1, N do t[i + 0.5] = i + 0.25 end return t"},
      {"hash string keys, string values", "local t = {} for i = 1, N do t['k' .. i] = 'v' .. i end return t"},
      {"tables", "local t = {} for i = 1, N do t[i] = {} end return t"},
      {"closures, no upvalue", "local t = {} for i = 1, N do t[i] = function() end end return t"},
      {"closures, 1 upvalue", "local t = {} for i = 1, N do local x = i + 0.5 t[i] = function() return x end end"
          + " return t"},
      {"closures, 3 upvalues", "local t = {} for i = 1, N do local x, y, z = i + 0.5, i + 0.25, i + 0.75"
          + " t[i] = function() return x, y, z end end return t"},
    };
    for (String[] c : cases) {
      LuaValue chunk = g.load(c[1].replace("N", Integer.toString(n)));
      long before = used();
      LuaValue keep = chunk.call();
      long after = used();
      System.out.printf("%-34s %6.1f B per iteration%n", c[0], (after - before) / (double) n);
      keep = null;
    }
  }
}
