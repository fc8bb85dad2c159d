/// Keys from the shared files' profile in use (`AWS_PROFILE`, else `default`).
public struct ProfileCredentials: CredentialProvider {
    let files: AWSConfigFiles
    public var name: String { "profile \(files.profileName)" }

    public init(files: AWSConfigFiles) {
        self.files = files
    }

    public func credentials() async throws(AWSClientError) -> AWSCredentials? {
        guard let profile = files.profile else {
            if files.profileWasChosen {
                throw .credentials(
                    "AWS_PROFILE is '\(files.profileName)' but no such profile is in ~/.aws/credentials or ~/.aws/config")
            }
            return nil
        }
        switch (profile["aws_access_key_id"], profile["aws_secret_access_key"]) {
        case (let id?, let secret?):
            return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: profile["aws_session_token"])
        case (nil, nil):
            guard files.profileWasChosen else { return nil }
            let others = ["role_arn", "sso_session", "sso_start_url", "credential_process", "web_identity_token_file"]
                .filter { profile[$0] != nil }
            throw .credentials(
                "profile '\(files.profileName)' has no aws_access_key_id and aws_secret_access_key"
                    + (others.isEmpty ? "" : "; \(others.joined(separator: ", ")) is not supported by Magpie's client"))
        default:
            throw .credentials("profile '\(files.profileName)' needs both aws_access_key_id and aws_secret_access_key")
        }
    }
}
