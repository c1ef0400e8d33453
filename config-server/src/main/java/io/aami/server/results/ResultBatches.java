package io.aami.server.results;

import io.aami.contract.results.StreamEpochs;
import io.aami.server.error.ApiException;
import java.util.List;
import java.util.UUID;
import java.util.function.ToLongFunction;

/** Shape checks every result batch passes before anything is stored (a failure is a 400, nothing stored). */
public final class ResultBatches {
    private ResultBatches() {
    }

    public static <T> List<T> requireOrdered(List<T> results, int maxBatch, ToLongFunction<T> seq) {
        requireObjects(results, maxBatch);
        long previous = 0;
        for (int i = 0; i < results.size(); i++) {
            T r = results.get(i);
            long s = seq.applyAsLong(r);
            if (s <= previous) {
                throw ApiException.invalid("results[" + i + "].seq", "must be at least 1 and strictly increasing within the batch");
            }
            previous = s;
        }
        return results;
    }

    /** One to {@code maxBatch} results, none of them null. */
    public static <T> List<T> requireObjects(List<T> results, int maxBatch) {
        if (results == null || results.isEmpty()) {
            throw ApiException.invalid("results", "must hold at least one result");
        }
        if (results.size() > maxBatch) {
            throw ApiException.invalid("results", "at most " + maxBatch + " results per batch");
        }
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) == null) {
                throw ApiException.invalid("results[" + i + "]", "must be an object");
            }
        }
        return results;
    }

    /**
     * The batch's stream epoch: absent (an agent from before epochs) is {@link StreamEpochs#DEFAULT};
     * present, it must be a canonical lowercase UUID other than the default, so one epoch has one spelling.
     */
    public static UUID requireEpoch(String epoch) {
        if (epoch == null) {
            return UUID.fromString(StreamEpochs.DEFAULT);
        }
        if (epoch.length() != StreamEpochs.LENGTH || !epoch.matches(StreamEpochs.PATTERN) || epoch.equals(StreamEpochs.DEFAULT)
                || epoch.equals(StreamEpochs.UNSEQUENCED)) {
            throw ApiException.invalid(StreamEpochs.FIELD, "must be a lowercase UUID (8-4-4-4-12 hex digits) other than the nil"
                    + " and the all-f UUIDs; omit it for the default epoch");
        }
        return UUID.fromString(epoch);
    }

    public static void require(boolean ok, int index, String field, String problem) {
        if (!ok) {
            throw ApiException.invalid("results[" + index + "]." + field, problem);
        }
    }
}
