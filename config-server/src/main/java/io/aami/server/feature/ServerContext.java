package io.aami.server.feature;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.server.config.ServerConfig;
import io.aami.server.db.ChangeFeed;
import io.aami.server.db.Database;
import io.aami.server.db.Duties;
import io.aami.server.db.Migrations;
import io.aami.server.http.JsonBodies;
import io.aami.server.http.RouteTable;
import io.aami.server.security.Secrets;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The shared infrastructure every feature is built from. A feature is one public class per feature
 * package ({@code GroupsFeature}, …) whose constructor takes this context (plus the services of the
 * features it depends on, passed explicitly), builds its store, service and handler, starts its
 * background work, registers what it opened in {@link #resources} and binds its declared
 * {@code ROUTES} in {@link #routes}. The context holds only leaf packages' types (config, db, http,
 * security, libraries), so any feature may take it without a cycle. What one feature offers another
 * (a service, a store, the policy signer) is passed to that feature's constructor instead.
 *
 * @param config     the process's one config record
 * @param clock      the clock everything reads time from
 * @param db         the connection pool
 * @param migrations the schema state (readiness)
 * @param changes    cross-replica change notices; subscribe before the server starts it
 * @param scheduler  the small shared pool for periodic background work
 * @param mapper     the wire JSON mapper
 * @param bodies     request-body reading with the configured limits
 * @param registry   the Prometheus registry {@code /metrics} renders
 * @param secrets    random tokens and their hashes
 * @param resources  what to close on shutdown: register each resource as it opens
 * @param routes     the route table: each feature binds its declared routes to its handler
 * @param duties     background work that must run on one replica at a time (sweeps, retention, purges)
 */
public record ServerContext(ServerConfig config, Clock clock, Database db, Migrations migrations, ChangeFeed changes,
                            ScheduledExecutorService scheduler, ObjectMapper mapper, JsonBodies bodies,
                            PrometheusRegistry registry, Secrets secrets, Resources resources,
                            RouteTable routes, Duties duties) {
}
