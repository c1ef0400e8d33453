package io.aami.server.metrics;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/** A part of the fleet's series, written straight into a {@link FleetText} from what it reads on {@code c}. */
interface FleetSource {
    void render(Connection c, Instant now, FleetText out) throws SQLException;
}
