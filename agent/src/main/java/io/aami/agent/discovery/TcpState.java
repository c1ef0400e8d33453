package io.aami.agent.discovery;

/** The kernel's TCP states as {@code /proc/net/tcp} numbers them ({@code include/net/tcp_states.h}). */
enum TcpState {
    UNKNOWN(0), ESTABLISHED(1), SYN_SENT(2), SYN_RECV(3), FIN_WAIT1(4), FIN_WAIT2(5), TIME_WAIT(6), CLOSE(7),
    CLOSE_WAIT(8), LAST_ACK(9), LISTEN(10), CLOSING(11), NEW_SYN_RECV(12);

    private static final TcpState[] BY_CODE = values();

    final byte code;

    TcpState(int code) {
        this.code = (byte) code;
    }

    static TcpState of(byte code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : UNKNOWN;
    }
}
