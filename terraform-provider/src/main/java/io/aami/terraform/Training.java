package io.aami.terraform;

import com.google.protobuf.ByteString;
import io.aami.terraform.plugin.AutoMtls;
import io.aami.terraform.plugin.FastExit;
import io.aami.terraform.plugin.PluginServer;
import io.aami.terraform.plugin.ProviderService;
import io.aami.terraform.proto.GRPCControllerGrpc;
import io.aami.terraform.proto.GoPlugin;
import io.aami.terraform.proto.ProviderGrpc;
import io.aami.terraform.proto.Tfplugin6;
import io.aami.terraform.resources.Catalog;
import io.aami.terraform.resources.ResourceType;
import io.aami.terraform.values.Msgpack;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code --train}: one provider session against itself, as Terraform would drive it (automatic mTLS,
 * schema, validation, a plan of every resource type, shutdown), so that the launcher's
 * {@code -XX:ArchiveClassesAtExit} records the classes a real start needs in the class-data archive.
 * Exits non-zero when the session fails: the build then fails rather than ship a provider that cannot start.
 */
final class Training {
    private Training() {
    }

    static void run() throws Exception {
        session();
        // The exit's classes too; a normal exit then, which is when the JVM writes the archive.
        FastExit.quiesce(100);
        System.out.println("terraform-provider-aami: trained (" + new Catalog().resources().size() + " resource types)");
    }

    /**
     * The warm JVM's warm-up, once its first start has its handshake: what a configured provider uses and the
     * starts before it (schema, validation) do not, the JSON mapper and the HTTP client over TLS, so that the first
     * plan's ConfigureProvider and refreshes do not pay for their first use. The gRPC paths need none: the first
     * starts' own calls warm them. A failure here costs only speed.
     */
    static void warmUp() {
        try {
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            for (int i = 0; i < 50; i++) {
                json.writeValueAsBytes(json.readTree("{\"id\":\"" + java.util.UUID.randomUUID()
                        + "\",\"name\":\"web\",\"labels\":{\"env\":\"prod\"},\"count\":" + i + "}"));
            }
            java.net.http.HttpClient.newBuilder().sslContext(javax.net.ssl.SSLContext.getDefault()).build();
        } catch (Exception e) {
            System.err.println("warm-up: " + e);
        }
    }

    private static void session() throws Exception {
        KeyPair clientKey = AutoMtls.newKey();
        X509Certificate clientCert = AutoMtls.selfSigned(clientKey);
        String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(clientCert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        Catalog catalog = new Catalog();
        ByteArrayOutputStream handshake = new ByteArrayOutputStream();
        PluginServer server = PluginServer.start(new ProviderService(catalog, name -> null), () -> AutoMtls.forClient(pem),
                new PrintStream(handshake, true, StandardCharsets.UTF_8));
        server.stopWithParent(ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L));
        String[] line = handshake.toString(StandardCharsets.UTF_8).trim().split("\\|");
        X509Certificate serverCert = io.aami.terraform.api.Trust.parse(("-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder().encodeToString(Base64.getDecoder().decode(line[5])) + "\n-----END CERTIFICATE-----\n")
                .getBytes(StandardCharsets.US_ASCII));
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).overrideAuthority("localhost")
                .sslContext(GrpcSslContexts.configure(io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder.forClient()
                        .keyManager(clientKey.getPrivate(), clientCert).trustManager(serverCert), SslProvider.JDK).build())
                .build();
        try {
            var provider = ProviderGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS);
            provider.getProviderSchema(Tfplugin6.GetProviderSchema.Request.getDefaultInstance());
            for (ResourceType r : catalog.resources().values()) {
                Map<String, Object> cfg = new HashMap<>();
                var value = Tfplugin6.DynamicValue.newBuilder()
                        .setMsgpack(ByteString.copyFrom(Msgpack.encode(r.schema(), cfg))).build();
                provider.validateResourceConfig(Tfplugin6.ValidateResourceConfig.Request.newBuilder()
                        .setTypeName(r.name()).setConfig(value).build());
                provider.planResourceChange(Tfplugin6.PlanResourceChange.Request.newBuilder().setTypeName(r.name())
                        .setConfig(value).setProposedNewState(value)
                        .setPriorState(Tfplugin6.DynamicValue.newBuilder().setMsgpack(ByteString.copyFrom(Msgpack.encode(r.schema(), null))))
                        .build());
            }
            GRPCControllerGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS).shutdown(GoPlugin.Empty.getDefaultInstance());
        } finally {
            ch.shutdownNow();
        }
        server.awaitStop();
    }
}
