package dev.vigil;

import java.util.Map;

/** An alert's identity: its rule, resource and the labels of its series (interned). */
record AlertKey(String rule, String resource, Map<String, String> labels) {}
