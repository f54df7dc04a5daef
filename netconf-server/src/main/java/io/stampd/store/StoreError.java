package io.stampd.store;

import java.util.List;
import java.util.Map;
import org.opendaylight.yangtools.yang.common.ErrorTag;
import org.opendaylight.yangtools.yang.common.ErrorType;

/**
 * One rpc-error of a reply (RFC 6241, section 4.3 and appendix A). {@code path} and {@code appTag}
 * may be null; {@code info} holds the error-info children, each an element name in {@code
 * infoNamespace} (the NETCONF base namespace unless a YANG error says otherwise) and its text.
 */
public record StoreError(ErrorType type, ErrorTag tag, String appTag, ErrorPath path, String message,
                       String infoNamespace, List<Map.Entry<String, String>> info) {
    /** Namespace of the error-info elements that RFC 6241 defines (bad-element, session-id, ...). */
    public static final String BASE_NS = "urn:ietf:params:xml:ns:netconf:base:1.0";
    /** Namespace of the error-info elements that RFC 7950 section 15 defines (non-unique, missing-choice). */
    public static final String YANG_NS = "urn:ietf:params:xml:ns:yang:1";

    public StoreError {
        info = List.copyOf(info);
    }

    public static StoreError of(ErrorType type, ErrorTag tag, ErrorPath path, String message) {
        return new StoreError(type, tag, null, path, message, BASE_NS, List.of());
    }

    public StoreError withAppTag(String appTag) {
        return new StoreError(type, tag, appTag, path, message, infoNamespace, info);
    }

    /** Adds an error-info child (in the base namespace unless {@link #withInfoNamespace} said otherwise). */
    public StoreError withInfo(String element, String text) {
        var all = new java.util.ArrayList<>(info);
        all.add(Map.entry(element, text));
        return new StoreError(type, tag, appTag, path, message, infoNamespace, all);
    }

    public StoreError withInfoNamespace(String namespace) {
        return new StoreError(type, tag, appTag, path, message, namespace, info);
    }

    // Factories for the error-tags of RFC 6241 appendix A, with the error-type it prescribes for
    // content errors (application) and for errors in the request's own parameters (protocol).

    public static StoreError invalidValue(ErrorPath path, String message) {
        return of(ErrorType.APPLICATION, ErrorTag.INVALID_VALUE, path, message);
    }

    public static StoreError dataMissing(ErrorPath path, String message) {
        return of(ErrorType.APPLICATION, ErrorTag.DATA_MISSING, path, message);
    }

    public static StoreError dataExists(ErrorPath path, String message) {
        return of(ErrorType.APPLICATION, ErrorTag.DATA_EXISTS, path, message);
    }

    public static StoreError unknownElement(ErrorPath path, String element, String message) {
        return of(ErrorType.APPLICATION, ErrorTag.UNKNOWN_ELEMENT, path, message).withInfo("bad-element", element);
    }

    public static StoreError unknownNamespace(ErrorPath path, String element, String namespace, String message) {
        return of(ErrorType.APPLICATION, ErrorTag.UNKNOWN_NAMESPACE, path, message)
                .withInfo("bad-element", element).withInfo("bad-namespace", namespace);
    }

    public static StoreError operationFailed(ErrorPath path, String message) {
        return of(ErrorType.APPLICATION, ErrorTag.OPERATION_FAILED, path, message);
    }

    public static StoreError lockDenied(long holderSessionId, String message) {
        return of(ErrorType.PROTOCOL, ErrorTag.LOCK_DENIED, null, message)
                .withInfo("session-id", Long.toString(holderSessionId));
    }

    /** A parameter of the operation itself is wrong (e.g. an unknown datastore name). */
    public static StoreError badParameter(String element, String message) {
        return of(ErrorType.PROTOCOL, ErrorTag.BAD_ELEMENT, null, message).withInfo("bad-element", element);
    }

    public static StoreError missingParameter(String element, String message) {
        return of(ErrorType.PROTOCOL, ErrorTag.MISSING_ELEMENT, null, message).withInfo("bad-element", element);
    }

    public static StoreError unknownParameter(String element, String message) {
        return of(ErrorType.PROTOCOL, ErrorTag.UNKNOWN_ELEMENT, null, message).withInfo("bad-element", element);
    }

    public static StoreError badAttribute(ErrorPath path, String attribute, String element, String message) {
        return of(ErrorType.PROTOCOL, ErrorTag.BAD_ATTRIBUTE, path, message)
                .withInfo("bad-attribute", attribute).withInfo("bad-element", element);
    }

    public static StoreError unknownAttribute(ErrorPath path, String attribute, String element, String message) {
        return of(ErrorType.PROTOCOL, ErrorTag.UNKNOWN_ATTRIBUTE, path, message)
                .withInfo("bad-attribute", attribute).withInfo("bad-element", element);
    }

    public static StoreError notSupported(ErrorType type, String message) {
        return of(type, ErrorTag.OPERATION_NOT_SUPPORTED, null, message);
    }
}
