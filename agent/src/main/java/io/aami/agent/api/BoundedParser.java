package io.aami.agent.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.IOException;

/**
 * A parser that refuses an array's element beyond {@link BodyLimits#maxArrayElements} as it reads it,
 * before data binding makes an object of it. Every way of reading the next token goes through
 * {@link #check}; skipping (unknown fields) builds nothing and is left uncounted.
 */
final class BoundedParser extends JsonParserDelegate {
    private final BodyLimits limits;

    BoundedParser(JsonParser d, BodyLimits limits) {
        super(d);
        this.limits = limits;
    }

    @Override
    public JsonToken nextToken() throws IOException {
        return check(delegate.nextToken());
    }

    @Override
    public JsonToken nextValue() throws IOException {
        return check(delegate.nextValue());
    }

    @Override
    public String nextFieldName() throws IOException {
        return nextToken() == JsonToken.FIELD_NAME ? currentName() : null;
    }

    @Override
    public boolean nextFieldName(SerializableString str) throws IOException {
        return nextToken() == JsonToken.FIELD_NAME && str.getValue().equals(currentName());
    }

    @Override
    public String nextTextValue() throws IOException {
        return nextToken() == JsonToken.VALUE_STRING ? getText() : null;
    }

    @Override
    public int nextIntValue(int defaultValue) throws IOException {
        return nextToken() == JsonToken.VALUE_NUMBER_INT ? getIntValue() : defaultValue;
    }

    @Override
    public long nextLongValue(long defaultValue) throws IOException {
        return nextToken() == JsonToken.VALUE_NUMBER_INT ? getLongValue() : defaultValue;
    }

    @Override
    public Boolean nextBooleanValue() throws IOException {
        JsonToken t = nextToken();
        return t == JsonToken.VALUE_TRUE ? Boolean.TRUE : t == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
    }

    private JsonToken check(JsonToken t) {
        if (t == null || t.isStructEnd() || t == JsonToken.FIELD_NAME) {
            return t;
        }
        JsonStreamContext ctx = delegate.getParsingContext();
        // A value that opens an object or array has its own context already; it is an element of the parent.
        JsonStreamContext holder = t.isStructStart() ? ctx.getParent() : ctx;
        if (holder != null && holder.inArray() && holder.getEntryCount() > limits.maxArrayElements()) {
            throw limits.tooMany();
        }
        return t;
    }
}
