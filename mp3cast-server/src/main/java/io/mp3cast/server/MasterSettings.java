package io.mp3cast.server;

import java.util.Objects;

/**
 * mp3cast as an Icecast master: Icecast slaves ({@code <master-server>}) fetch
 * {@code /admin/streamlist.txt} with HTTP Basic as {@code relayUser} and relay every mount it lists.
 *
 * @param relayUser     the user slaves log in as ({@code <master-username>}; Icecast's default is {@code relay})
 * @param relayPassword their password ({@code <master-password>}), or null: then only the admin
 *                      credentials open the stream list
 */
public record MasterSettings(String relayUser, String relayPassword) {
    /** User {@code relay}, no password. */
    public static final MasterSettings DEFAULT = new MasterSettings("relay", null);

    public MasterSettings {
        Objects.requireNonNull(relayUser, "relayUser");
        if (relayUser.isBlank() || relayUser.contains(":")) {
            throw new IllegalArgumentException("relayUser not supported: '" + relayUser + "' (not empty, no ':')");
        }
        if (relayPassword != null && relayPassword.isEmpty()) {
            throw new IllegalArgumentException("relayPassword not supported: empty (null for none)");
        }
    }

    public MasterSettings withRelayUser(String user) {
        return new MasterSettings(user, relayPassword);
    }

    public MasterSettings withRelayPassword(String password) {
        return new MasterSettings(relayUser, password);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "MasterSettings[relayUser=" + relayUser + ", relayPassword=" + (relayPassword == null ? "none" : "***") + "]";
    }
}
