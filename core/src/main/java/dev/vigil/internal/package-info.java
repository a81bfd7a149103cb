/** Implementation details shared across Vigil's packages. Not an API: may change in any release. */
@NullMarked
package dev.vigil.internal;

import org.jspecify.annotations.NullMarked;
