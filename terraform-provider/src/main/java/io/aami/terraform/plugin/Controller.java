package io.aami.terraform.plugin;

import io.aami.terraform.proto.GRPCControllerGrpc;
import io.aami.terraform.proto.GoPlugin;
import io.grpc.stub.StreamObserver;

/** go-plugin's controller: Terraform asks the plugin to exit with {@code Shutdown} when it is done with it. */
final class Controller extends GRPCControllerGrpc.GRPCControllerImplBase {
    private final Runnable shutdown;

    Controller(Runnable shutdown) {
        this.shutdown = shutdown;
    }

    @Override
    public void shutdown(GoPlugin.Empty request, StreamObserver<GoPlugin.Empty> response) {
        response.onNext(GoPlugin.Empty.getDefaultInstance());
        response.onCompleted();
        shutdown.run();
    }
}
