/*
 * aami-run: starts one check run in its sandbox with a single exec. The agent (root) starts it with a
 * fixed environment of its own and these arguments, in this order:
 *
 *   aami-run [--cgroup FILE]... [--cpu SECONDS] [--as BYTES] [--nofile N] [--nproc N]
 *            [--uid UID --gid GID [--groups GID,GID...]] [--env NAME=VALUE]... -- PROGRAM [ARG]...
 *   aami-run --version
 *
 * and it does what setsid, a root sh (cgroup join and ulimit), prlimit, setpriv and env -i did, one
 * exec each, before: a session of its own; its pid into each cgroup.procs FILE, so nothing of the run
 * is ever outside the run's cgroup; each limit as soft and hard limit alike, so the script cannot raise
 * it; the supplementary groups, gid and uid of the run-as user, checked to be irreversible, and no
 * capability in any set (inheritable included); default signal dispositions (the C library's reserved
 * ones too) and an empty signal mask; then execve(PROGRAM) with exactly the NAME=VALUE environment
 * given. The check's environment is only ever an argument here: this process, which is
 * root until the switch, runs with the agent's fixed environment, so nothing the server sends (such as
 * LD_PRELOAD) reaches a root process. It is linked statically where the C library allows, so no loader
 * path or library search runs while it is root.
 *
 * Any failure before the exec prints "aami-run: ..." to stderr and exits 125 (the agent reports the run
 * as failed); a PROGRAM that cannot be executed exits 126, one that does not exist 127, as env(1) does.
 * Never uid 0: a run-as user must be unprivileged. No user lookups (NSS): the agent resolves the user
 * and its groups once, at start-up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#define VERSION "aami-run 1"
#define MAX_CGROUPS 8
#define MAX_GROUPS 1024
#define FAIL 125

static void fail(const char *what, const char *arg, int err) {
    fprintf(stderr, "aami-run: %s%s%s%s%s\n", what, arg ? " " : "", arg ? arg : "", err ? ": " : "",
            err ? strerror(err) : "");
    _exit(FAIL);
}

/* A decimal number without sign, spaces or overflow, at most max. */
static unsigned long long number(const char *option, const char *text, unsigned long long max) {
    char *end;
    unsigned long long value;
    if (text == NULL || *text < '0' || *text > '9') {
        fail("not a number after", option, 0);
    }
    errno = 0;
    value = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || value > max) {
        fail("not a number after", option, 0);
    }
    return value;
}

static size_t parse_groups(const char *text, gid_t *groups) {
    size_t n = 0;
    char buf[16];
    const char *p = text;
    if (*p == '\0') {
        return 0;
    }
    for (;;) {
        size_t len = strcspn(p, ",");
        if (len == 0 || len >= sizeof buf || n == MAX_GROUPS) {
            fail("bad --groups", text, 0);
        }
        memcpy(buf, p, len);
        buf[len] = '\0';
        groups[n++] = (gid_t) number("--groups", buf, (gid_t) -2);
        if (p[len] == '\0') {
            return n;
        }
        p += len + 1;
    }
}

static void join_cgroup(const char *file) {
    char pid[32];
    int len = snprintf(pid, sizeof pid, "%ld\n", (long) getpid());
    int fd = open(file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        fail("cannot enter cgroup", file, errno);
    }
    if (write(fd, pid, (size_t) len) != len) {
        fail("cannot enter cgroup", file, errno);
    }
    if (close(fd) != 0) {
        fail("cannot enter cgroup", file, errno);
    }
}

static void limit(int resource, const char *name, unsigned long long value) {
    struct rlimit rl = { .rlim_cur = (rlim_t) value, .rlim_max = (rlim_t) value };
    if (setrlimit(resource, &rl) != 0) {
        fail("cannot set the limit", name, errno);
    }
}

static void switch_user(uid_t uid, gid_t gid, const gid_t *groups, size_t ngroups) {
    if (setgroups(ngroups, groups) != 0) {
        fail("cannot set the groups", NULL, errno);
    }
    if (setresgid(gid, gid, gid) != 0) {
        fail("cannot set the gid", NULL, errno);
    }
    if (setresuid(uid, uid, uid) != 0) {
        fail("cannot set the uid", NULL, errno);
    }
    uid_t r, e, s;
    gid_t rg, eg, sg;
    if (getresuid(&r, &e, &s) != 0 || r != uid || e != uid || s != uid
            || getresgid(&rg, &eg, &sg) != 0 || rg != gid || eg != gid || sg != gid) {
        fail("the user switch did not hold", NULL, 0);
    }
    /* The kernel empties the permitted, effective and ambient sets at the switch, but not the inheritable
     * one (nor any set under SECBIT_NO_SETUID_FIXUP): an inheritable capability would come back at the
     * exec of any file granting it. Empty them all, and check they are. */
    struct __user_cap_header_struct head = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
    struct __user_cap_data_struct caps[_LINUX_CAPABILITY_U32S_3];
    memset(caps, 0, sizeof caps);
    if (syscall(SYS_capset, &head, caps) != 0) {
        fail("cannot drop the capabilities", NULL, errno);
    }
    /* EINVAL: a kernel before 4.3, without ambient capabilities. */
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0L, 0L, 0L) != 0 && errno != EINVAL) {
        fail("cannot drop the ambient capabilities", NULL, errno);
    }
    memset(caps, 0xff, sizeof caps);
    if (syscall(SYS_capget, &head, caps) != 0) {
        fail("cannot read the capabilities", NULL, errno);
    }
    for (int w = 0; w < _LINUX_CAPABILITY_U32S_3; w++) {
        if (caps[w].effective != 0 || caps[w].permitted != 0 || caps[w].inheritable != 0) {
            fail("capabilities are left after the user switch", NULL, 0);
        }
    }
    /* setgid(0) succeeds, harmlessly, for a user whose group is 0. */
    if (setuid(0) == 0 || (gid != 0 && setgid(0) == 0)) {
        fail("the user switch is reversible", NULL, 0);
    }
}

static void default_signals(void) {
    sigset_t none;
    /* The kernel's rt_sigaction, not the C library's: that refuses its reserved signals (32 and 33),
     * which glibc's posix_spawn (so the JVM's) leaves ignored in the child, and an ignored signal stays
     * ignored across the exec. All zero is SIG_DFL, no flags and an empty mask in every layout. */
    unsigned long dfl[16];
    memset(dfl, 0, sizeof dfl);
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP
                && syscall(SYS_rt_sigaction, sig, dfl, NULL, (size_t) (NSIG - 1) / 8) != 0) {
            fail("cannot reset the signal dispositions", NULL, errno);
        }
    }
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL) != 0) {
        fail("cannot clear the signal mask", NULL, errno);
    }
}

int main(int argc, char **argv) {
    const char *cgroups[MAX_CGROUPS];
    size_t ncgroups = 0;
    long long cpu = -1, as = -1, nofile = -1, nproc = -1;
    long long uid = -1, gid = -1;
    static gid_t groups[MAX_GROUPS];
    size_t ngroups = 0;
    char **env = calloc((size_t) argc + 1, sizeof *env);
    size_t nenv = 0;
    int i = 1;

    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        puts(VERSION);
        return 0;
    }
    if (env == NULL) {
        fail("out of memory", NULL, 0);
    }
    for (; i < argc && strcmp(argv[i], "--") != 0; i += 2) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (val == NULL) {
            fail("no value after", opt, 0);
        } else if (strcmp(opt, "--cgroup") == 0) {
            if (ncgroups == MAX_CGROUPS || val[0] != '/') {
                fail("bad --cgroup", val, 0);
            }
            cgroups[ncgroups++] = val;
        } else if (strcmp(opt, "--cpu") == 0 && cpu < 0) {
            cpu = (long long) number(opt, val, 1ULL << 40);
        } else if (strcmp(opt, "--as") == 0 && as < 0) {
            as = (long long) number(opt, val, 1ULL << 60);
        } else if (strcmp(opt, "--nofile") == 0 && nofile < 0) {
            nofile = (long long) number(opt, val, 1ULL << 30);
        } else if (strcmp(opt, "--nproc") == 0 && nproc < 0) {
            nproc = (long long) number(opt, val, 1ULL << 30);
        } else if (strcmp(opt, "--uid") == 0 && uid < 0) {
            uid = (long long) number(opt, val, (uid_t) -2);
        } else if (strcmp(opt, "--gid") == 0 && gid < 0) {
            gid = (long long) number(opt, val, (gid_t) -2);
        } else if (strcmp(opt, "--groups") == 0 && ngroups == 0) {
            ngroups = parse_groups(val, groups);
        } else if (strcmp(opt, "--env") == 0) {
            const char *eq = strchr(val, '=');
            if (eq == NULL || eq == val) {
                fail("bad --env", val, 0);
            }
            env[nenv++] = argv[i + 1];
        } else {
            fail("unknown or repeated option", opt, 0);
        }
    }
    if (i >= argc - 1) {
        fail("no program after --", NULL, 0);
    }
    char *program = argv[i + 1];
    if (program[0] != '/') {
        fail("the program must be an absolute path:", program, 0);
    }
    if ((uid < 0) != (gid < 0) || (uid < 0 && ngroups > 0)) {
        fail("--uid and --gid go together, --groups only with them", NULL, 0);
    }
    if (uid == 0) {
        fail("refusing to run a check as uid 0", NULL, 0);
    }

    if (setsid() < 0) {
        fail("cannot start a session", NULL, errno);
    }
    for (size_t c = 0; c < ncgroups; c++) {
        join_cgroup(cgroups[c]);
    }
    if (cpu >= 0) limit(RLIMIT_CPU, "cpu", (unsigned long long) cpu);
    if (as >= 0) limit(RLIMIT_AS, "as", (unsigned long long) as);
    if (nofile >= 0) limit(RLIMIT_NOFILE, "nofile", (unsigned long long) nofile);
    if (nproc >= 0) limit(RLIMIT_NPROC, "nproc", (unsigned long long) nproc);
    if (uid >= 0) {
        switch_user((uid_t) uid, (gid_t) gid, groups, ngroups);
    }
    default_signals();
    execve(program, argv + i + 1, env);
    int err = errno;
    fprintf(stderr, "aami-run: cannot execute %s: %s\n", program, strerror(err));
    _exit(err == ENOENT || err == ENOTDIR ? 127 : 126);
}
