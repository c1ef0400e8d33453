package io.aami.server.registration;

import static io.aami.contract.ApiPaths.REGISTER;
import static io.aami.server.http.Access.ENROLL;

import io.aami.server.feature.ServerContext;
import io.aami.server.groups.GroupService;
import io.aami.server.http.RouteSet;
import io.aami.server.pki.ClientCertificates;
import io.aami.server.pki.PolicySigner;
import io.aami.server.targets.TargetStore;
import io.aami.server.tokens.BootstrapTokenStore;

/**
 * Enrollment: an agent redeems a bootstrap token for its identity. Depends on groups, targets, tokens
 * and pki (client certificates and the policy signer).
 */
public final class RegistrationFeature {
    public static final RouteSet<RegistrationHandler> ROUTES = RouteSet.of(RegistrationHandler.class)
            .post(REGISTER, RegistrationHandler::register, ENROLL)
            .build();

    /** @param certificates null when TLS is off */
    public RegistrationFeature(ServerContext ctx, GroupService groups, TargetStore targets, BootstrapTokenStore tokens,
                               ClientCertificates certificates, PolicySigner signer) {
        RegistrationService service = new RegistrationService(ctx.db(), tokens, targets, groups, ctx.secrets(),
                ctx.config().heartbeat(), ctx.config().tokens().registrationRetryWindow(), certificates, signer, ctx.clock());
        ctx.routes().bind(ROUTES, new RegistrationHandler(service, ctx.bodies()));
    }
}
