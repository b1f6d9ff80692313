// A genuine Neo4j 5.26 (Community, embedded) with a Bolt connector on a loopback port, for tests.
//
//   java -Xmx512m -cp "$(cat neo4j.classpath)" tests/support/Neo4jLauncher.java HOME PORT [IMPORT_DIR]
//
// (or compiled once with javac, as tests/support/servers.py does).
//
// The documented embedded set-up (Neo4j Java reference, "Bolt connector"): org.neo4j:neo4j plus
// org.neo4j:neo4j-bolt (see pom.xml). Authentication is on; user neo4j gets the password from the
// NEO4J_PASSWORD environment variable. LOAD CSV reads file:/// URLs from IMPORT_DIR. Prints
// "READY <port>" once Bolt accepts connections; stops cleanly on SIGTERM.

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

public class Neo4jLauncher {
    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        Path imports = args.length > 2 ? Path.of(args[2]).toAbsolutePath() : home.resolve("import");
        String password = System.getenv("NEO4J_PASSWORD");
        // tests stop and restart it: skip Bolt's 2 x 5 s shutdown grace (no client is left)
        Path fastStop = Files.createDirectories(home).resolve("fast-stop.conf");
        Files.writeString(fastStop, "internal.dbms.bolt.netty_server_shutdown_quiet_period=0\n"
                + "internal.server.bolt.thread_pool_shutdown_wait_time=0s\n");

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(GraphDatabaseSettings.auth_enabled, password != null)
                .setConfig(GraphDatabaseSettings.load_csv_file_url_root, imports)
                .setConfig(GraphDatabaseSettings.pagecache_memory, 64L * 1024 * 1024)
                .loadPropertiesFromFile(fastStop)
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown));
        if (password != null) {
            dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        }
        System.out.println("READY " + port);
        System.out.flush();
        Thread.currentThread().join();
    }
}
