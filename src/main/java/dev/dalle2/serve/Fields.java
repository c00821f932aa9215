package dev.dalle2.serve;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * A request's fields, from a JSON body or a multipart form, read by type: a field of the wrong type is a 400
 * naming it; a missing field (or a JSON null) is null. Fields nobody asks for are ignored, as OpenAI ignores them.
 */
interface Fields {
    String string(String name);

    Integer integer(String name);

    Double number(String name);

    /** An uploaded file's bytes (only a form has files), or null. */
    Upload file(String name);

    /** An uploaded file: its size as the client sent it, and its bytes read only when the size is within limits. */
    interface Upload {
        long size();

        byte[] bytes();
    }

    /** The fields of a JSON object. */
    static Fields json(JsonNode object) {
        return new Fields() {
            private JsonNode get(String name) {
                JsonNode v = object.get(name);
                return v == null || v.isNull() ? null : v;
            }

            @Override
            public String string(String name) {
                JsonNode v = get(name);
                if (v != null && !v.isTextual()) {
                    throw ApiException.invalid(name, "'" + name + "' must be a string, got " + v.getNodeType().toString().toLowerCase());
                }
                return v == null ? null : v.textValue();
            }

            @Override
            public Integer integer(String name) {
                JsonNode v = get(name);
                if (v != null && !(v.isIntegralNumber() && v.canConvertToInt())) {
                    throw ApiException.invalid(name, "'" + name + "' must be an integer, got " + v);
                }
                return v == null ? null : v.intValue();
            }

            @Override
            public Double number(String name) {
                JsonNode v = get(name);
                if (v != null && !v.isNumber()) {
                    throw ApiException.invalid(name, "'" + name + "' must be a number, got " + v);
                }
                return v == null ? null : v.doubleValue();
            }

            @Override
            public Upload file(String name) {
                return null;
            }
        };
    }

    /** The fields of a multipart form: text fields parsed from their strings. */
    static Fields form(Map<String, String> texts, Map<String, Upload> files) {
        return new Fields() {
            @Override
            public String string(String name) {
                if (files.containsKey(name)) {
                    throw ApiException.invalid(name, "'" + name + "' must be a text field, not a file");
                }
                return texts.get(name);
            }

            @Override
            public Integer integer(String name) {
                String v = string(name);
                try {
                    return v == null ? null : Integer.valueOf(v.trim());
                } catch (NumberFormatException e) {
                    throw ApiException.invalid(name, "'" + name + "' must be an integer, got '" + v + "'");
                }
            }

            @Override
            public Double number(String name) {
                String v = string(name);
                try {
                    return v == null ? null : Double.valueOf(v.trim());
                } catch (NumberFormatException e) {
                    throw ApiException.invalid(name, "'" + name + "' must be a number, got '" + v + "'");
                }
            }

            @Override
            public Upload file(String name) {
                return files.get(name);
            }
        };
    }
}
