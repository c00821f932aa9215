package dev.dalle2.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request the server refuses or could not serve, as OpenAI's API reports it: an HTTP status and the body
 * {@code {"error": {"message", "type", "param", "code"}}}, where {@code param} names the request field at fault (or
 * is null) and {@code code} is a short machine-readable reason (or null).
 */
public final class ApiException extends RuntimeException {
    /** OpenAI's type for a request that cannot be served as it is. */
    public static final String INVALID_REQUEST = "invalid_request_error";
    private final int status;
    private final String type;
    private final String param;
    private final String code;
    /** Seconds a client should wait before retrying (a Retry-After header), or 0. */
    private final int retryAfter;

    public ApiException(int status, String type, String message, String param, String code, int retryAfter) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    /** 400: a field of the request is missing or wrong. */
    public static ApiException invalid(String param, String message) {
        return new ApiException(400, INVALID_REQUEST, message, param, null, 0);
    }

    /** 400 with a code, e.g. {@code invalid_size}. */
    public static ApiException invalid(String param, String code, String message) {
        return new ApiException(400, INVALID_REQUEST, message, param, code, 0);
    }

    public int status() {
        return status;
    }

    public int retryAfter() {
        return retryAfter;
    }

    /** The JSON body. */
    public String body(ObjectMapper json) {
        ObjectNode root = json.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", getMessage());
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return root.toString();
    }
}
