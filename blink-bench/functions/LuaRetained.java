import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * What luaj's compiled prototypes retain on the heap per byte of Lua source, against the estimate of
 * FunctionLibraries.heldBytes, and how long compiling takes, for library-like code of several kinds (docs/resp.md,
 * Functions). Not part of the build: java -cp luaj-jse-3.0.1.jar LuaRetained.java KIB COPIES, under the JVM options of
 * the server (-XX:+UseG1GC -XX:G1HeapRegionSize=2m).
 */
public class LuaRetained {
  static long used() {
    for (int i = 0; i < 3; i++) System.gc();
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  static long estimate(Prototype f) {
    long size = 192 + 8L * f.code.length + 64L * (f.k.length + f.locvars.length + f.upvalues.length);
    for (Prototype n : f.p) size += estimate(n);
    return size;
  }

  public static void main(String[] a) throws Exception {
    int target = Integer.parseInt(a[0]) << 10; // KiB per library
    int copies = Integer.parseInt(a[1]);
    String[][] patterns = {
      {"assign", "  x = 1\n"},
      {"incr", "a=a+1\n"},
      {"unary", "a=-(-(-(-(-(-(-(-(-(-b)))))))))\n"},
      {"localfn", "local function f() end\n"},
      {"globalfn", "f=function()end\n"},
      {"table", "t={1,2,3,4,5,6,7,8,9,0}\n"},
      {"strings", "s='abcdefghijklmnopqrstuvwxyz'\n"},
      {"calls", "f(a,b,c)\n"},
    };
    Globals g = JsePlatform.standardGlobals();
    for (String[] p : patterns) {
      StringBuilder sb = new StringBuilder("local a,b,t,s,f\n");
      if (p[0].equals("globalfn") || p[0].equals("assign") || p[0].equals("strings") || p[0].equals("table")) sb = new StringBuilder();
      int chunk = 0;
      while (sb.length() + p[1].length() < target) {
        // keep each function under luaj's limits: a local per 200 is the limit for localfn
        if (p[0].equals("localfn") && chunk++ % 150 == 0) sb.append(chunk > 1 ? "end)() (function()\n" : "(function()\n");
        sb.append(p[1]);
      }
      if (p[0].equals("localfn")) sb.append("end)()\n");
      byte[] src = sb.toString().getBytes();
      List<Object> keep = new ArrayList<>();
      long before = used();
      long t0 = System.nanoTime();
      long est = 0;
      for (int i = 0; i < copies; i++) {
        byte[] copy = src.clone();
        Prototype proto = LuaC.instance.compile(new ByteArrayInputStream(copy), "x");
        keep.add(proto);
        keep.add(copy);
        est += estimate(proto) + copy.length;
      }
      long t1 = System.nanoTime();
      long after = used();
      double perByte = (after - before) / (double) (src.length * (long) copies);
      System.out.printf("%-9s src %7d B x%d: retained %6.2f B/src B (estimate %5.2f), compile %.1f ms/MiB%n", p[0],
          src.length, copies, perByte, est / (double) (src.length * (long) copies),
          (t1 - t0) / 1e6 / copies * (1 << 20) / src.length);
      keep.clear();
    }
  }
}
