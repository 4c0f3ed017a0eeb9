// CloudFront Function (viewer request): the single-page app's routes (/conversations/…, /calls/…,
// /dictionary) have no file in the bucket; they get index.html. Paths whose last segment has a dot are files
// and go to S3 as asked, so a missing asset is still a 404.
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}
