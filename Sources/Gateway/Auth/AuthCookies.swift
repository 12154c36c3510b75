import Hummingbird

/// The httpOnly token cookies set at login and refresh: the access token
/// for every path, the refresh token only for `/api/auth`. `SameSite=Strict`
/// keeps them off cross-site requests (the CSRF defence for cookie auth).
enum AuthCookies {
    static let access = "access_token"
    static let refresh = "refresh_token"

    static func set(on response: inout Response, tokens: TokenPair, secure: Bool) {
        response.setCookie(Cookie(name: access, value: tokens.accessToken, maxAge: tokens.expiresIn, path: "/",
                                  secure: secure, httpOnly: true, sameSite: .strict))
        response.setCookie(Cookie(name: refresh, value: tokens.refreshToken, maxAge: tokens.refreshExpiresIn, path: "/api/auth",
                                  secure: secure, httpOnly: true, sameSite: .strict))
    }

    static func clear(on response: inout Response, secure: Bool) {
        response.setCookie(Cookie(name: access, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .strict))
        response.setCookie(Cookie(name: refresh, value: "", maxAge: 0, path: "/api/auth", secure: secure, httpOnly: true, sameSite: .strict))
    }
}
