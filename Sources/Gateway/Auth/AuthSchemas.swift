import Marketplace

// Request limits mirror `PasswordRules`, `InputRules.username/email` and the
// checks in `AuthRoutes.login`; the store stays the authority.

extension RegisterBody {
    static var schema: JSONSchema {
        .body(["username": .string(minLength: 3, maxLength: 32, pattern: "^[A-Za-z0-9_.-]+$"),
               "email": .string(minLength: 3, maxLength: 254), "password": .string(minLength: 10, maxLength: 128)])
    }
}

extension LoginBody {
    static var schema: JSONSchema {
        .body(["login": .string(minLength: 1, maxLength: 320), "password": .string(minLength: 1, maxLength: 128)],
              optional: ["code": .string(maxLength: 64)])
    }
}

extension RefreshBody {
    static var schema: JSONSchema { .body([:], optional: ["refreshToken": .text]) }
}

extension CodeBody {
    static var schema: JSONSchema { .body(["code": .string(maxLength: 64)]) }
}

extension ChangePasswordBody {
    static var schema: JSONSchema {
        .body(["currentPassword": .string(minLength: 1, maxLength: 128), "newPassword": .string(minLength: 10, maxLength: 128)],
              optional: ["code": .string(maxLength: 64)])
    }
}

extension PasswordResetBody {
    static var schema: JSONSchema { .body(["login": .string(minLength: 1, maxLength: 320)]) }
}

extension PasswordResetConfirmBody {
    static var schema: JSONSchema {
        .body(["token": .string(minLength: 16, maxLength: 128), "newPassword": .string(minLength: 10, maxLength: 128)])
    }
}

extension PasswordResetAccepted: SchemaDescribed {
    static var schema: JSONSchema { .record(["message": .text]) }
}

extension UserView: SchemaDescribed {
    static let schemaName = "User"
    static var schema: JSONSchema {
        .record(["id": .id, "username": .text, "email": .text, "role": .oneOfStrings(Role.allCases.map(\.rawValue)),
                 "status": .oneOfStrings(["active", "suspended", "banned"]), "createdAt": .timestamp],
                optional: ["statusReason": .text, "suspendedUntil": .timestamp])
    }
}

extension TokenPair: SchemaDescribed {
    static var schema: JSONSchema {
        .record(["accessToken": .text, "refreshToken": .text, "tokenType": .oneOfStrings(["Bearer"]),
                 "expiresIn": .integer(minimum: 0), "refreshExpiresIn": .integer(), "user": .ref(UserView.self)])
    }
}

extension SecondFactorRequired: SchemaDescribed {
    static var schema: JSONSchema { .record(["require2FA": .boolean, "message": .text]) }
}

extension SecondFactorRoutes.Enrolment: SchemaDescribed {
    static let schemaName = "TwoFactorEnrolment"
    static var schema: JSONSchema { .record(["secret": .text, "otpauthUri": .text]) }
}

extension SecondFactorRoutes.RecoveryCodes: SchemaDescribed {
    static var schema: JSONSchema { .record(["recoveryCodes": .array(of: .text)]) }
}
