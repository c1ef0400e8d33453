/*
 * aami-bench probes' raw peer: the least a TCP connect probe can cost. Non-blocking connect to
 * 127.0.0.1, poll for the handshake, SO_LINGER 0 close (no TIME_WAIT), as the agent's TcpProber does,
 * without any HTTP, JSON or bookkeeping around it.
 * usage: raw-connect SECONDS CLOSED_PORT PORT...
 * Prints "ready", waits for a line on stdin (so the parent can read its CPU time first), loops for
 * SECONDS, prints "OK REFUSED WRONG", then waits for stdin to close (so its CPU time can be read again).
 * Probe i targets CLOSED_PORT when i % 64 == 63, else PORT[i % n]: the bench's ProbeTargets.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int probe(int port) {
    struct sockaddr_in a;
    struct linger lg = {1, 0};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), ok = 0;
    if (fd < 0) {
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((unsigned short) port);
    if (connect(fd, (struct sockaddr *) &a, sizeof a) == 0) {
        ok = 1;
    } else if (errno == EINPROGRESS) {
        struct pollfd p = {fd, POLLOUT, 0};
        int err = 0;
        socklen_t len = sizeof err;
        if (poll(&p, 1, 2000) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) {
            ok = 1;
        }
    }
    close(fd);
    return ok;
}

int main(int argc, char **argv) {
    char line[64];
    long ok = 0, refused = 0, wrong = 0;
    unsigned long i;
    double seconds, end;
    int closed, n, *ports;
    if (argc < 4) {
        fprintf(stderr, "usage: raw-connect SECONDS CLOSED_PORT PORT...\n");
        return 2;
    }
    seconds = atof(argv[1]);
    closed = atoi(argv[2]);
    n = argc - 3;
    ports = calloc((size_t) n, sizeof *ports);
    for (i = 0; i < (unsigned long) n; i++) {
        ports[i] = atoi(argv[i + 3]);
    }
    printf("ready\n");
    fflush(stdout);
    if (!fgets(line, sizeof line, stdin)) {
        return 3;
    }
    end = now() + seconds;
    for (i = 0;; i++) {
        int open = i % 64 != 63, got;
        if ((i & 255) == 0 && now() >= end) {
            break;
        }
        got = probe(open ? ports[i % n] : closed);
        if (got == open) {
            if (open) ok++; else refused++;
        } else {
            wrong++;
        }
    }
    printf("%ld %ld %ld\n", ok, refused, wrong);
    fflush(stdout);
    while (fgets(line, sizeof line, stdin)) {
    }
    return 0;
}
