package io.aami.server.http;

import static io.aami.contract.ApiPaths.BOOTSTRAP_TOKEN;
import static io.aami.contract.ApiPaths.BOOTSTRAP_TOKENS;
import static io.aami.contract.ApiPaths.GROUP;
import static io.aami.contract.ApiPaths.GROUPS;
import static io.aami.contract.ApiPaths.HEALTH;
import static io.aami.contract.ApiPaths.HEARTBEAT;
import static io.aami.contract.ApiPaths.READY;
import static io.aami.contract.ApiPaths.REGISTER;
import static io.aami.contract.ApiPaths.TARGET;
import static io.aami.contract.ApiPaths.TARGETS;
import static io.aami.server.http.Access.ADMIN;
import static io.aami.server.http.Access.AGENT;
import static io.aami.server.http.Access.ENROLL;
import static io.aami.server.http.Access.PUBLIC;

import io.aami.server.groups.GroupHandler;
import io.aami.server.health.HealthHandler;
import io.aami.server.heartbeat.HeartbeatHandler;
import io.aami.server.registration.RegistrationHandler;
import io.aami.server.targets.TargetHandler;
import io.aami.server.tokens.BootstrapTokenHandler;
import io.javalin.config.RoutesConfig;

/** Every route of the config-server, with who may call it. */
public record Routes(HealthHandler health, GroupHandler groups, BootstrapTokenHandler tokens, TargetHandler targets,
                     RegistrationHandler registration, HeartbeatHandler heartbeat) {

    public void register(RoutesConfig r) {
        r.get(HEALTH, health::health, PUBLIC);
        r.get(READY, health::ready, PUBLIC);

        r.post(GROUPS, groups::create, ADMIN);
        r.get(GROUPS, groups::list, ADMIN);
        r.get(GROUP, groups::get, ADMIN);
        r.put(GROUP, groups::update, ADMIN);
        r.delete(GROUP, groups::delete, ADMIN);

        r.post(REGISTER, registration::register, ENROLL);
        r.post(BOOTSTRAP_TOKENS, tokens::create, ADMIN);
        r.get(BOOTSTRAP_TOKENS, tokens::list, ADMIN);
        r.get(BOOTSTRAP_TOKEN, tokens::get, ADMIN);
        r.delete(BOOTSTRAP_TOKEN, tokens::revoke, ADMIN);

        r.post(TARGETS, targets::create, ADMIN);
        r.get(TARGETS, targets::list, ADMIN);
        r.get(TARGET, targets::get, ADMIN);
        r.put(TARGET, targets::put, ADMIN);
        r.delete(TARGET, targets::delete, ADMIN);

        r.post(HEARTBEAT, heartbeat::heartbeat, AGENT);
    }
}
