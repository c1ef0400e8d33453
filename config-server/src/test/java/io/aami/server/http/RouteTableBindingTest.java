package io.aami.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The route table serves exactly what it lists: no route without a handler, no handler for an unlisted route. */
class RouteTableBindingTest {
    static final class Hello {
        void hi(Context ctx) {
            ctx.result("hi");
        }
    }

    static final RouteSet<Hello> LISTED = RouteSet.of(Hello.class).get("/hi", Hello::hi, Access.PUBLIC).build();
    static final RouteSet<Hello> OTHER = RouteSet.of(Hello.class).post("/hi", Hello::hi, Access.ADMIN).build();

    @Test
    void listsEveryDeclaredRouteWithItsRoleInOrder() {
        RouteTable table = new RouteTable(List.of(LISTED, OTHER));
        assertThat(table.routes()).containsExactly(new RouteTable.Route("GET", "/hi", Access.PUBLIC),
                new RouteTable.Route("POST", "/hi", Access.ADMIN));
        assertThat(table.format().lines()).containsExactly("METHOD  PATH  ROLE", "GET     /hi   PUBLIC", "POST    /hi   ADMIN");
    }

    @Test
    void refusesAHandlerForAnUnlistedRouteSet() {
        RouteTable table = new RouteTable(List.of(LISTED));
        assertThatThrownBy(() -> table.bind(OTHER, new Hello())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not listed");
    }

    @Test
    void refusesToBindTwice() {
        RouteTable table = new RouteTable(List.of(LISTED));
        table.bind(LISTED, new Hello());
        assertThatThrownBy(() -> table.bind(LISTED, new Hello())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("twice");
    }

    @Test
    void refusesToServeAListedRouteNoFeatureBound() {
        RouteTable table = new RouteTable(List.of(LISTED, OTHER));
        table.bind(LISTED, new Hello());
        assertThatThrownBy(() -> Javalin.create(config -> table.register(config.routes)))
                .hasStackTraceContaining("served by no feature");
    }
}
