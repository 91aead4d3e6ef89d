package library.engines;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node for local runs and tests, built from the Maven artifacts instead of a distribution archive.
 *
 * <p>A distribution starts through its Bootstrap (security manager, native checks, plugin directories of unpacked
 * zips); here the node is constructed directly with its two modules on the classpath: netty4 for HTTP and
 * analysis-common for the {@code cjk} analyzer the adapter maps its text fields with. Nothing else is loaded, so there
 * is no security plugin: the node answers plain HTTP, which is why it binds loopback only.
 *
 * <p>Arguments are OpenSearch settings as {@code key=value} (paths and ports, chosen by engines.ts); the fixed ones
 * below make it a single node that forms its own cluster at once.
 */
public final class LocalOpenSearch {
  private LocalOpenSearch() {}

  /** The constructor that takes classpath plugins is protected: it is how OpenSearch's own test nodes start. */
  private static final class ClasspathNode extends Node {
    ClasspathNode(Environment environment, List<Class<? extends Plugin>> plugins) {
      super(environment, plugins, true);
    }
  }

  public static void main(String[] args) throws Exception {
    Settings.Builder builder =
        Settings.builder()
            .put("cluster.name", "library-local")
            .put("node.name", "local")
            .put("discovery.type", "single-node")
            .put("network.host", "127.0.0.1")
            // Tests fill and drop indices quickly on machines whose disks others fill: no read-only switch at 95 %.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("action.destructive_requires_name", false);
    for (String arg : args) {
      int equals = arg.indexOf('=');
      if (equals <= 0) throw new IllegalArgumentException("expected key=value, got " + arg);
      builder.put(arg.substring(0, equals), arg.substring(equals + 1));
    }
    Settings settings = builder.build();
    Path home = Path.of(settings.get("path.home"));
    // The node looks for installed plugins and modules there; ours come from the classpath, so both stay empty.
    Files.createDirectories(home.resolve("plugins"));
    Files.createDirectories(home.resolve("modules"));
    Files.createDirectories(home.resolve("config"));

    LogConfigurator.registerErrorListener();
    Environment environment =
        InternalSettingsPreparer.prepareEnvironment(
            settings, Collections.emptyMap(), home.resolve("config"), () -> "local");
    LogConfigurator.setNodeName("local");
    LogConfigurator.configureWithoutConfig(environment.settings());

    Node node = new ClasspathNode(environment, List.of(Netty4Plugin.class, CommonAnalysisPlugin.class));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    node.close();
                  } catch (Exception e) {
                    e.printStackTrace();
                  } finally {
                    stopped.countDown();
                  }
                },
                "local-opensearch-shutdown"));
    node.start();
    System.out.println("local OpenSearch started");
    stopped.await();
  }
}
