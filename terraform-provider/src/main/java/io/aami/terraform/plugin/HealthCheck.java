package io.aami.terraform.plugin;

import io.aami.terraform.proto.HealthProto.HealthCheckRequest;
import io.aami.terraform.proto.HealthProto.HealthCheckResponse;
import io.aami.terraform.proto.HealthGrpc;
import io.grpc.stub.StreamObserver;

/** go-plugin pings a plugin through gRPC's health service, asking for the service named {@code plugin}. */
final class HealthCheck extends HealthGrpc.HealthImplBase {
    @Override
    public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> response) {
        var status = request.getService().isEmpty() || request.getService().equals("plugin")
                ? HealthCheckResponse.ServingStatus.SERVING : HealthCheckResponse.ServingStatus.SERVICE_UNKNOWN;
        response.onNext(HealthCheckResponse.newBuilder().setStatus(status).build());
        response.onCompleted();
    }
}
