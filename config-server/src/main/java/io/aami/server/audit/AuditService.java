package io.aami.server.audit;

import io.aami.contract.audit.AuditEventView;
import io.aami.server.db.Database;
import java.util.List;

/** Reading the audit log. There is no way to change or delete an event through the API: only retention removes old ones. */
public final class AuditService {
    private final Database db;
    private final AuditStore store;

    AuditService(Database db, AuditStore store) {
        this.db = db;
        this.store = store;
    }

    public List<AuditEventView> page(AuditQuery query) {
        return db.withConnection(c -> store.page(c, query));
    }
}
