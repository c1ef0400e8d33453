package io.aami.agent.probes.icmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a hostile network can put in front of the ICMP parser and matcher, without sockets: IPv4 header lengths under 5
 * (outer or quoted), random bytes of every length, and a probed host predicting the nonces of other hosts' echoes.
 */
class IcmpHostileInputTest {
    private static final byte[] FROM = {10, 0, 0, 9};

    /** An outer IHL of 2 would make the parser read the IP header's TTL as an ICMP type (0: echo reply). */
    @Test
    void anOuterHeaderLengthUnderFiveIsIgnored() {
        byte[] p = new byte[40];
        p[0] = 0x42;
        p[8] = 0; // "type" echo reply at offset 8 (the TTL)
        IcmpPackets.putShort(p, 12, 0x1234);
        IcmpPackets.putShort(p, 14, 7);
        assertThat(IcmpPackets.parse(p, p.length, false, true, FROM)).isNull();
    }

    /** A quoted IHL of 2 would read the quoted source address as our echo's identifier and sequence. */
    @Test
    void aQuotedHeaderLengthUnderFiveIsIgnored() {
        byte[] p = new byte[20 + 8 + 28];
        p[0] = 0x45;
        p[20] = 3; // destination unreachable
        p[21] = 1;
        int q = 28;
        p[q] = 0x42;
        p[q + 8] = (byte) IcmpPackets.ECHO_REQUEST_V4; // the quoted TTL, read as a type
        p[q + 9] = 1;
        System.arraycopy(FROM, 0, p, q + 16, 4);
        assertThat(IcmpPackets.parse(p, p.length, false, true, FROM)).isNull();
    }

    /** An error quoting the whole echo carries its nonce (to be matched); one quoting 8 bytes says it has none. */
    @Test
    void anErrorCarriesTheQuotedNonceWhenThereIsOne() {
        byte[] echo = IcmpPackets.echo(false, true, 0x1234, 7, 0x0102030405060708L);
        byte[] p = new byte[20 + 8 + 20 + echo.length];
        p[0] = 0x45;
        p[20] = 3;
        p[21] = 1;
        p[28] = 0x45;
        p[28 + 9] = 1;
        System.arraycopy(FROM, 0, p, 28 + 16, 4);
        System.arraycopy(echo, 0, p, 48, echo.length);
        IcmpPackets.Heard full = IcmpPackets.parse(p, p.length, false, true, FROM);
        assertThat(full.nonced()).isTrue();
        assertThat(full.nonce()).isEqualTo(0x0102030405060708L);
        IcmpPackets.Heard shortQuote = IcmpPackets.parse(p, 48 + 8, false, true, FROM);
        assertThat(shortQuote.seq()).isEqualTo(7);
        assertThat(shortQuote.nonced()).isFalse();
    }

    @Test
    void randomBytesOfAnyLengthNeverThrow() {
        Random r = new Random(12);
        byte[] b = new byte[4_096];
        for (int i = 0; i < 20_000; i++) {
            r.nextBytes(b);
            int len = r.nextInt(80);
            if (r.nextBoolean()) {
                b[0] = (byte) (0x40 | r.nextInt(16));
                b[20] = (byte) (r.nextBoolean() ? 3 : 11);
                b[28] = (byte) (0x40 | r.nextInt(16));
                b[37] = 1;
            }
            IcmpPackets.parse(b, len, r.nextBoolean(), r.nextBoolean(), FROM);
        }
    }

    /**
     * Every probed host sees the nonces of its own echoes. From one, it must not be able to compute the next ones (and
     * forge the replies of other, dead, hosts): SplittableRandom's outputs are invertible to its state, whose step is
     * a public constant; this is the attack, which must find none of the next nonces.
     */
    @Test
    void aProbedHostCannotPredictTheNextNonces() {
        IcmpLoop loop = new IcmpLoop(IcmpPinger.Kind.RAW, IcmpPinger.Kind.RAW, -1, new SecureRandom());
        long seen = loop.nextNonce();
        long state = unmix64(seen);
        Set<Long> predicted = new HashSet<>();
        for (int k = 1; k <= 4_096; k++) {
            predicted.add(mix64(state + k * GOLDEN_GAMMA));
        }
        int hits = 0;
        for (int i = 0; i < 1_000; i++) {
            hits += predicted.contains(loop.nextNonce()) ? 1 : 0;
        }
        assertThat(hits).isZero();
    }

    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static long unmix64(long z) {
        z = unshift(z, 31);
        z *= inverse(0x94d049bb133111ebL);
        z = unshift(z, 27);
        z *= inverse(0xbf58476d1ce4e5b9L);
        return unshift(z, 30);
    }

    private static long unshift(long y, int s) {
        long x = y;
        for (int i = 0; i < 64 / s + 1; i++) {
            x = y ^ (x >>> s);
        }
        return x;
    }

    private static long inverse(long odd) {
        return BigInteger.valueOf(odd).mod(TWO_64).modInverse(TWO_64).longValue();
    }
}
