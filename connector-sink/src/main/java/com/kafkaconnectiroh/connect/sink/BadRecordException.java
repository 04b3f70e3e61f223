package com.kafkaconnectiroh.connect.sink;

/** A record that can never be delivered as it is (its reason goes to the errant record reporter). */
final class BadRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    BadRecordException(String message) {
        super(message);
    }
}
