package io.blinkstore.server.command;

/**
 * The area a geo search covers: a circle ({@code BYRADIUS}, {@code GEORADIUS}) or a box ({@code BYBOX}) around a
 * centre, its sizes in the request's unit and the metres of that unit.
 *
 * @param longitude the centre's longitude
 * @param latitude the centre's latitude
 * @param box whether it is a box (else a circle)
 * @param radius a circle's radius, in the unit
 * @param width a box's width (east to west), in the unit
 * @param height a box's height (north to south), in the unit
 * @param conversion metres per unit
 */
record GeoShape(double longitude, double latitude, boolean box, double radius, double width, double height,
    double conversion) {

  /**
   * The distance in metres from the centre to the position, or -1 if the position is outside, as Redis tests it
   * ({@code geoWithinShape}): within a circle's radius (a distance equal to it is inside); within a box if the
   * distance along the meridian is at most half its height and the distance along the position's parallel at most
   * half its width.
   */
  double distanceIfWithin(double pointLongitude, double pointLatitude) {
    if (box) {
      double latDistance = Geohashes.latDistance(pointLatitude, latitude);
      if (latDistance > height * conversion / 2) {
        return -1;
      }
      double lonDistance = Geohashes.distance(pointLongitude, pointLatitude, longitude, pointLatitude);
      if (lonDistance > width * conversion / 2) {
        return -1;
      }
      return Geohashes.distance(longitude, latitude, pointLongitude, pointLatitude);
    }
    double distance = Geohashes.distance(longitude, latitude, pointLongitude, pointLatitude);
    return distance > radius * conversion ? -1 : distance;
  }
}
