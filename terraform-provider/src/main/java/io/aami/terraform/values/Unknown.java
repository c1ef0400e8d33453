package io.aami.terraform.values;

/** A value Terraform does not know yet (known after apply); msgpack extension type 0 on the wire. */
public enum Unknown {
    VALUE;

    @Override
    public String toString() {
        return "(known after apply)";
    }
}
